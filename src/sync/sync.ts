import { BusError, busError, checkOptions, currentContextKind, type BusEvent, type BusPlugin, type Peer, type PluginHooks, type PluginHost } from '../core/index'
import { DEFAULT_MAX_EVENT_BYTES } from './clonable'
import { createEnvelopeReader, ENVELOPE_VERSION, measureEvent, type Envelope, type PeerKind } from './envelope'
import { syncError } from './errors'
import { Inbox } from './inbox'
import { Leadership } from './leader'
import { Outbox } from './outbox'
import { Presence } from './presence'
import { throttle } from './throttle'
import { openBrowserTransport, type OpenTransport, type Transport } from './transport'
import { leaderLockName, syncChannelName } from '../shared/names'

export interface SyncOptions {
  /**
   * Largest estimated size of one event; larger ones fail with `TOO_LARGE`, and a message from
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

// However often others ask who is there, or claim this instance left, it answers at most once per
// window (and once more at its end), so one context can't make every other one flood the channel.
const ANSWER_MS = 1_000

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
  const channelName = syncChannelName(host.name)
  const self: Peer = { origin: host.origin, kind: environment?.kind ?? currentContextKind() ?? 'other', since: Date.now(), self: true }
  const readEnvelope = createEnvelopeReader({ maxEventBytes })
  const inbox = new Inbox(host, () => !closed)
  const presence = new Presence({
    self,
    shared: environment !== undefined,
    ask: () => post(hello(true)),
    full: (limit) => host.report(syncError('TOO_MANY_PEERS', `peers$ lists at most ${limit} other instances; more announced themselves and are left out.`)),
  })
  const answer = throttle(() => post({ v: ENVELOPE_VERSION, type: 'here', from: host.origin, kind: self.kind, since: self.since }), ANSWER_MS)
  const announce = throttle(() => post(hello(false)), ANSWER_MS)
  const jobs = new Map<string, Leadership>()
  const outbox = new Outbox(host.origin, (message) => transport?.post(message), (event, cause) =>
    host.report(busError('NOT_CLONABLE', `The event ${event.id} (${event.system} ${event.kind}) reached this context's subscribers but no other context: its data could not be cloned when it was posted. Don't change data after sending it.`, cause)),
  )

  let transport: Transport | undefined
  let suspended = false
  let closed = false
  // The last event `check` measured, so `event` needn't walk its data again.
  let checked: BusEvent | undefined
  let checkedBytes = 0

  function hello(ask: boolean): Envelope {
    return { v: ENVELOPE_VERSION, type: 'hello', from: host.origin, kind: self.kind, since: self.since, ask }
  }

  function post(message: Envelope): void {
    if (!transport) return
    try {
      transport.post(message)
    } catch (cause) {
      host.report(busError('POST_FAILED', `Could not post a "${message.type}" message to the other contexts of the bus "${host.name}".`, cause))
    }
  }

  function receive(raw: unknown): void {
    const message = readEnvelope(raw)
    if (message instanceof BusError) {
      host.drop(message)
      return
    }
    if (closed) return
    // Native channels never echo, but fallbacks and a second tab restored with this state might.
    // A bye in this instance's name is another context's mistake (or forgery): say it is here.
    if (message.from === host.origin) {
      if (message.type === 'bye') announce()
      return
    }
    switch (message.type) {
      case 'events':
        presence.alive(message.from)
        inbox.events(message)
        break
      case 'injected':
        presence.alive(message.from)
        inbox.injected(message)
        break
      case 'hello':
        if (message.ask) answer()
        presence.seen(message.from, message.kind, message.since)
        break
      case 'here':
        presence.seen(message.from, message.kind, message.since)
        break
      case 'bye':
        // The ordering state stays: forgetting the seqs seen from it would let a replay of its
        // messages through again. The inbox prunes it once the instance has been quiet a while.
        presence.left(message.from)
        break
    }
  }

  function leadership(job: string): Leadership {
    let leading = jobs.get(job)
    if (!leading) {
      leading = new Leadership(environment ? leaderLockName(host.name, job) : undefined, host.report)
      jobs.set(job, leading)
    }
    return leading
  }

  function connect(): void {
    transport = environment!.open(channelName, receive)
    post(hello(false))
  }

  function disconnect(): void {
    outbox.flush()
    post({ v: ENVELOPE_VERSION, type: 'bye', from: host.origin })
    transport?.close()
    transport = undefined
  }

  // The back/forward cache: leave while cached (an open channel would keep the page out of the
  // cache, or get it evicted on the first message), and come back as if new, since what was sent
  // meanwhile is gone.
  const onPageHide = (event: PageTransitionEvent) => {
    if (closed || suspended) return
    if (event.persisted) {
      suspended = true
      disconnect()
    } else {
      outbox.flush()
      post({ v: ENVELOPE_VERSION, type: 'bye', from: host.origin })
    }
  }
  const onPageShow = (event: PageTransitionEvent) => {
    if (closed || !suspended || !event.persisted) return
    suspended = false
    inbox.rejoin()
    connect()
    presence.restart()
  }
  const pageScope = (environment?.kind === 'window' || environment?.kind === 'iframe') && typeof globalThis.addEventListener === 'function' ? (globalThis as unknown as Window) : undefined

  if (environment) {
    connect()
    pageScope?.addEventListener('pagehide', onPageHide)
    pageScope?.addEventListener('pageshow', onPageShow)
  }

  return {
    presence: {
      peers$: presence.peers$,
      leads: (job) => leadership(job).leader$,
    },
    check(event) {
      // Also where no channel opens (Node, SSR), so a send fails the same way everywhere.
      checkedBytes = measureEvent(event, maxEventBytes)
      checked = event
    },
    event(event, provenance) {
      // What came from another context is already everywhere it has to be.
      if (!transport || provenance.arrival === 'received') return
      // Measured by `check` unless a handler sent in between (then measure again; it passed once).
      let bytes = checkedBytes
      if (event !== checked) {
        try {
          bytes = measureEvent(event, maxEventBytes)
        } catch {
          bytes = maxEventBytes
        }
      }
      checked = undefined
      outbox.add(event, bytes, provenance.arrival === 'injected' ? provenance.bridge : undefined)
    },
    flush() {
      outbox.flush()
    },
    close() {
      if (closed) return
      if (transport) disconnect()
      closed = true
      pageScope?.removeEventListener('pagehide', onPageHide)
      pageScope?.removeEventListener('pageshow', onPageShow)
      presence.close()
      answer.cancel()
      announce.cancel()
      for (const leading of jobs.values()) leading.close()
    },
  }
}

function browserEnvironment(): SyncEnvironment | undefined {
  const kind = currentContextKind()
  return kind === undefined ? undefined : { kind, open: openBrowserTransport }
}
