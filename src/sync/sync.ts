import { busError, checkOptions, currentContextKind, type BusEvent, type BusPlugin, type Peer, type PluginHooks, type PluginHost } from '../core/index'
import { leaderLockName, syncChannelName } from '../shared/names'
import { DEFAULT_MAX_EVENT_BYTES } from './clonable'
import { measureEvent, type PeerKind } from './envelope'
import { createEnvelopeReader } from './envelope-reader'
import { syncError } from './errors'
import { Inbox } from './inbox'
import { Leadership } from './leader'
import { Link } from './link'
import { Outbox } from './outbox'
import { followPage } from './page-lifecycle'
import { Presence } from './presence'
import { Receiver } from './receiver'
import { openBrowserTransport, type OpenTransport } from './transport'

export interface SyncOptions {
  /**
   * Largest estimated size of one event; larger ones fail with `SYNC_TOO_LARGE`, and a message from
   * another context carrying one is dropped. Default 1 MiB.
   */
  readonly maxEventBytes?: number
  /**
   * Where the bus runs and how it opens its channel. Default: the current browser context and its
   * BroadcastChannel; outside a browser (Node, SSR) the bus stays local. Tests pass their own.
   */
  readonly environment?: SyncEnvironment | undefined
}

export interface SyncEnvironment {
  readonly kind: PeerKind
  readonly open: OpenTransport
}

/**
 * The sync plugin: one bus of every bus instance of the same name in the origin (windows, iframes,
 * workers). Events sent or injected in one task go out as one message at the end of the task, in
 * order; receivers check each message, deliver each event once and in per-origin order, and report
 * lost ones. It also offers `peers$` and leadership. `createBus` of `crossbus` adds it by default.
 *
 * @example
 * import { createBus } from 'crossbus/core'
 * import { sync } from 'crossbus/sync'
 * const bus = createBus({ name: 'shop', plugins: [sync({ maxEventBytes: 256 * 1024 })] })
 */
/* @__NO_SIDE_EFFECTS__ */
export function sync(options: SyncOptions = {}): BusPlugin {
  checkOptions(options, ['maxEventBytes', 'environment'], 'sync')
  const maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES
  if (typeof maxEventBytes !== 'number' || !(maxEventBytes > 0) || Number.isNaN(maxEventBytes)) {
    throw busError('INVALID_ARGUMENT', `maxEventBytes must be a positive number of bytes (or Infinity), got ${JSON.stringify(maxEventBytes) ?? String(maxEventBytes)}.`)
  }
  return { name: 'sync', setup: (host) => createSync(host, maxEventBytes, options.environment ?? browserEnvironment()) }
}

function createSync(host: PluginHost, maxEventBytes: number, environment: SyncEnvironment | undefined): PluginHooks {
  const self: Peer = { origin: host.origin, kind: environment?.kind ?? currentContextKind() ?? 'other', since: Date.now(), self: true }
  const link = environment ? new Link(host, self, syncChannelName(host.name), environment.open) : undefined
  const inbox = new Inbox(host, () => !closed)
  const presence = new Presence({
    self,
    shared: link !== undefined,
    ask: () => link?.hello(true),
    full: (limit) => host.report(syncError('SYNC_TOO_MANY_PEERS', `peers$ lists at most ${limit} other instances; more announced themselves and are left out.`)),
  })
  const outbox = new Outbox(host.origin, (message) => link?.postOrThrow(message), (event, cause) =>
    host.report(syncError('SYNC_NOT_CLONABLE', `The event ${event.id} (${event.system} ${event.kind}) reached this context's subscribers but no other context: its data could not be cloned when it was posted. Don't change data after sending it.`, cause)),
  )
  const sizes = new SizeCache(maxEventBytes)
  const jobs = new Map<string, Leadership>()
  const receiver = new Receiver(host, createEnvelopeReader({ maxEventBytes }), inbox, presence, link)
  let closed = false

  const leave = () => {
    outbox.flush()
    link?.disconnect()
  }
  const stopFollowingPage = link
    ? followPage(self.kind, {
        suspend: leave,
        unload: () => {
          outbox.flush()
          link.bye()
        },
        resume: () => {
          inbox.rejoin()
          link.connect(receiver.receive)
          presence.restart()
        },
      })
    : () => {}
  link?.connect(receiver.receive)

  return {
    presence: {
      peers$: presence.peers$,
      leads: (job) => leadership(host, jobs, job, link !== undefined).leader$,
    },
    check(event) {
      // Also where no channel opens (Node, SSR), so a send fails the same way everywhere.
      sizes.check(event)
    },
    event(event, provenance) {
      // What came from another context is already everywhere it has to be.
      if (!link?.connected || provenance.arrival === 'received') return
      if (provenance.arrival === 'sent') receiver.sent(event.seq)
      outbox.add(event, sizes.of(event), provenance.arrival === 'injected' ? provenance.bridge : undefined)
    },
    flush() {
      outbox.flush()
    },
    close() {
      if (closed) return
      if (link?.connected) leave()
      closed = true
      stopFollowingPage()
      presence.close()
      receiver.close()
      for (const leading of jobs.values()) leading.close()
    },
  }
}

/** The leadership of `job`, made on first use. */
function leadership(host: PluginHost, jobs: Map<string, Leadership>, job: string, shared: boolean): Leadership {
  let leading = jobs.get(job)
  if (!leading) {
    leading = new Leadership(shared ? leaderLockName(host.name, job) : undefined, host.report)
    jobs.set(job, leading)
  }
  return leading
}

/** The size of the last event `check` measured, so `event` needn't walk its data again. */
class SizeCache {
  private checked: BusEvent | undefined
  private bytes = 0

  constructor(private readonly maxEventBytes: number) {}

  check(event: BusEvent): void {
    this.bytes = measureEvent(event, this.maxEventBytes)
    this.checked = event
  }

  /** Measured by `check` unless a handler sent in between (then measure again; it passed once). */
  of(event: BusEvent): number {
    let bytes = this.bytes
    if (event !== this.checked) {
      try {
        bytes = measureEvent(event, this.maxEventBytes)
      } catch {
        bytes = this.maxEventBytes
      }
    }
    this.checked = undefined
    return bytes
  }
}

function browserEnvironment(): SyncEnvironment | undefined {
  const kind = currentContextKind()
  return kind === undefined ? undefined : { kind, open: openBrowserTransport }
}
