import type { Observable } from 'rxjs'
import { BusError, invalid } from '../core/errors'
import type { BusEvent } from '../core/event'
import type { BusCore, BusExtension } from '../core/extension'
import { measureClonable } from './clonable'
import { currentContextKind } from './context'
import { createEnvelopeReader, ENVELOPE_VERSION, toWire, type Envelope, type Incoming, type PeerKind } from './envelope'
import { Leadership } from './leader'
import { OriginTracker } from './ordering'
import { Presence, type Peer } from './presence'
import { openBrowserTransport, type OpenTransport, type Transport } from './transport'

export interface SyncOptions {
  /** `false`: the bus stays in this context, and data is not checked for clonability. */
  readonly crossTab: boolean
  /** Largest estimated size of one event; see `measureClonable`. */
  readonly maxEventBytes: number
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

/** The sync extension of one bus, and what it adds to the bus's surface. */
export interface Sync extends BusExtension {
  readonly peers$: Observable<readonly Peer[]>
  readonly leader$: Observable<boolean>
}

// One message carries at most this much (estimated), so a burst of large events is split instead
// of becoming one huge clone. A single event can still be up to maxEventBytes.
const BATCH_BYTES = 1024 * 1024
// What an event costs besides its data and names: id, time, seq, the tuple.
const EVENT_OVERHEAD_BYTES = 64

/**
 * Makes one bus of every bus instance of the same name in the origin: windows, iframes and
 * workers. Events a bus sends in one task go out as one message at the end of the task (a
 * microtask), in seq order; receivers check each message, deliver each event once and in
 * per-origin order, and report lost ones.
 */
export function createSync(core: BusCore, options: SyncOptions): Sync {
  const environment = !options.crossTab ? undefined : (options.environment ?? browserEnvironment())
  const channelName = `crossbus:${core.name}`
  const self: Peer = { id: core.origin, kind: environment?.kind ?? currentContextKind() ?? 'other', since: Date.now(), self: true }
  const readEnvelope = createEnvelopeReader()
  const tracker = new OriginTracker()
  const presence = new Presence({
    self,
    shared: environment !== undefined,
    ask: () => post(hello(true)),
  })
  const leadership = new Leadership(environment ? `${channelName}:leader` : undefined, core.report)

  let transport: Transport | undefined
  let suspended = false
  let closed = false
  // Events sent since the last flush, in seq order, and their estimated sizes.
  let pending: BusEvent[] = []
  let pendingBytes: number[] = []
  let flushQueued = false
  // The last event `check` measured, so `sent` needn't walk its data again.
  let checked: BusEvent | undefined
  let checkedBytes = 0

  function hello(ask: boolean): Envelope {
    return { v: ENVELOPE_VERSION, type: 'hello', from: core.origin, kind: self.kind, since: self.since, ask }
  }

  function post(message: Envelope): void {
    if (!transport) return
    try {
      transport.post(message)
    } catch (cause) {
      core.report(new BusError({ kind: 'UNAVAILABLE', code: 'POST_FAILED', retryable: true, message: `Could not post a "${message.type}" message to the other contexts of the bus "${core.name}".`, cause }))
    }
  }

  function measure(event: BusEvent): number {
    const names = event.system.length + event.kind.length + event.path.length + EVENT_OVERHEAD_BYTES
    return names + measureClonable(event.data, options.maxEventBytes - names)
  }

  function enqueue(event: BusEvent, bytes: number): void {
    // A handler that sends while an event is being delivered gets the later seq but reaches here
    // first; keep the batch in seq order so receivers don't take the earlier one for a duplicate.
    let at = pending.length
    while (at > 0 && pending[at - 1]!.seq > event.seq) at--
    if (at === pending.length) {
      pending.push(event)
      pendingBytes.push(bytes)
    } else {
      pending.splice(at, 0, event)
      pendingBytes.splice(at, 0, bytes)
    }
    if (!flushQueued) {
      flushQueued = true
      queueMicrotask(flush)
    }
  }

  function flush(): void {
    flushQueued = false
    const events = pending
    const sizes = pendingBytes
    if (events.length === 0) return
    pending = []
    pendingBytes = []
    if (!transport) return
    let start = 0
    let bytes = 0
    for (let i = 0; i < events.length; i++) {
      if (i > start && bytes + sizes[i]! > BATCH_BYTES) {
        postEvents(events.slice(start, i))
        start = i
        bytes = 0
      }
      bytes += sizes[i]!
    }
    postEvents(start === 0 ? events : events.slice(start))
  }

  function postEvents(events: readonly BusEvent[]): void {
    try {
      transport!.post({ v: ENVELOPE_VERSION, type: 'events', from: core.origin, events: events.map(toWire) })
    } catch (cause) {
      // Only data changed after `send` (checked then, cloned now) gets here: post the others one
      // by one so a single bad event costs only itself; receivers report the gap.
      if (events.length > 1) {
        for (const event of events) postEvents([event])
        return
      }
      const event = events[0]!
      core.report(
        invalid('NOT_CLONABLE', `The event ${event.id} (${event.system} ${event.kind}) reached this context's subscribers but no other context: its data could not be cloned when it was posted. Don't change data after sending it.`, cause),
      )
    }
  }

  function receive(raw: unknown): void {
    const message = readEnvelope(raw)
    if (message instanceof BusError) {
      core.drop(message)
      return
    }
    // Native channels never echo, but fallbacks and a second tab restored with this state might.
    if (message.from === core.origin || closed) return
    switch (message.type) {
      case 'events':
        presence.alive(message.from)
        deliver(message)
        break
      case 'hello':
        if (message.ask) post({ v: ENVELOPE_VERSION, type: 'here', from: core.origin, kind: self.kind, since: self.since })
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
        core.missed(
          new BusError({
            kind: 'UNAVAILABLE',
            code: 'EVENTS_MISSED',
            retryable: false,
            message: `${verdict.missed} event(s) from bus instance ${event.origin} never arrived (seq ${event.seq - verdict.missed} to ${event.seq - 1}); later events are delivered.`,
          }),
        )
      }
      core.deliver(event)
    }
  }

  function connect(): void {
    transport = environment!.open(channelName, receive)
    post(hello(false))
  }

  function disconnect(): void {
    flush()
    post({ v: ENVELOPE_VERSION, type: 'bye', from: core.origin })
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
      flush()
      post({ v: ENVELOPE_VERSION, type: 'bye', from: core.origin })
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
    peers$: presence.peers$,
    leader$: leadership.leader$,
    check(event) {
      if (!options.crossTab) return
      checkedBytes = measure(event)
      checked = event
    },
    sent(event) {
      if (!transport) return
      // Measured by `check` unless a handler sent in between (then measure again; it passed once).
      let bytes = checkedBytes
      if (event !== checked) {
        try {
          bytes = measure(event)
        } catch {
          bytes = options.maxEventBytes
        }
      }
      checked = undefined
      enqueue(event, bytes)
    },
    close() {
      if (closed) return
      if (transport) disconnect()
      closed = true
      pageScope?.removeEventListener('pagehide', onPageHide)
      pageScope?.removeEventListener('pageshow', onPageShow)
      presence.close()
      leadership.close()
    },
  }
}

function browserEnvironment(): SyncEnvironment | undefined {
  const kind = currentContextKind()
  return kind === undefined ? undefined : { kind, open: openBrowserTransport }
}
