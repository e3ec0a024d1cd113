import { BusError, busError } from '../core/errors'
import type { BusEvent } from '../core/event'
import { checkOptions } from '../core/options'
import { currentContextKind } from '../core/context'
import type { BusPlugin, Peer, PluginHooks, PluginHost } from '../core/plugin'
import { DEFAULT_MAX_EVENT_BYTES, measureClonable } from './clonable'
import { createEnvelopeReader, ENVELOPE_VERSION, type Envelope, type Incoming, type PeerKind } from './envelope'
import { Leadership } from './leader'
import { OriginTracker } from './ordering'
import { Outbox } from './outbox'
import { Presence } from './presence'
import { openBrowserTransport, type OpenTransport, type Transport } from './transport'

export interface SyncOptions {
  /** Largest estimated size of one event; larger ones fail with `TOO_LARGE`. Default 1 MiB. */
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

// What an event costs besides its data and names: id, time, seq, the tuple.
const EVENT_OVERHEAD_BYTES = 64

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
  const channelName = `crossbus:${host.name}`
  const self: Peer = { origin: host.origin, kind: environment?.kind ?? currentContextKind() ?? 'other', since: Date.now(), self: true }
  const readEnvelope = createEnvelopeReader()
  const tracker = new OriginTracker()
  const presence = new Presence({ self, shared: environment !== undefined, ask: () => post(hello(true)) })
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

  function measure(event: BusEvent): number {
    const names = event.system.length + event.kind.length + event.path.length + EVENT_OVERHEAD_BYTES
    return names + measureClonable(event.data, maxEventBytes - names)
  }

  function receive(raw: unknown): void {
    const message = readEnvelope(raw)
    if (message instanceof BusError) {
      host.drop(message)
      return
    }
    // Native channels never echo, but fallbacks and a second tab restored with this state might.
    if (message.from === host.origin || closed) return
    switch (message.type) {
      case 'events':
        presence.alive(message.from)
        deliver(message)
        break
      case 'injected':
        presence.alive(message.from)
        for (const event of message.events) if (!closed) host.receive(event, message.from, message.bridge)
        break
      case 'hello':
        if (message.ask) post({ v: ENVELOPE_VERSION, type: 'here', from: host.origin, kind: self.kind, since: self.since })
        presence.seen(message.from, message.kind, message.since)
        break
      case 'here':
        presence.seen(message.from, message.kind, message.since)
        break
      case 'bye':
        presence.left(message.from)
        tracker.forget(message.from)
        break
    }
  }

  function deliver(message: Extract<Incoming, { type: 'events' }>): void {
    for (const event of message.events) {
      if (closed) return
      const verdict = tracker.admit(event.origin, event.seq)
      if (!verdict.deliver) continue
      if (verdict.missed > 0) {
        host.missed(
          busError('EVENTS_MISSED', `${verdict.missed} event(s) from bus instance ${event.origin} never arrived (seq ${event.seq - verdict.missed} to ${event.seq - 1}); later events are delivered.`),
        )
      }
      host.receive(event, message.from)
    }
  }

  function leadership(job: string): Leadership {
    let leading = jobs.get(job)
    if (!leading) {
      leading = new Leadership(environment ? `${channelName}:leader:${job}` : undefined, host.report)
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
    tracker.reset()
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
      checkedBytes = measure(event)
      checked = event
    },
    event(event, provenance) {
      // What came from another context is already everywhere it has to be.
      if (!transport || provenance.arrival === 'received') return
      // Measured by `check` unless a handler sent in between (then measure again; it passed once).
      let bytes = checkedBytes
      if (event !== checked) {
        try {
          bytes = measure(event)
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
      for (const leading of jobs.values()) leading.close()
    },
  }
}

function browserEnvironment(): SyncEnvironment | undefined {
  const kind = currentContextKind()
  return kind === undefined ? undefined : { kind, open: openBrowserTransport }
}
