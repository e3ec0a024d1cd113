import { BusError, describeError, identityOf, type BusEvent, type PluginHost, type Provenance } from '../../core/index'
import { frameError } from './errors'
import { MAX_BATCH_EVENTS, readPortMessage, toWire, type ByeReason, type IncomingPortMessage, type PortMessage } from './message'
import type { ResolvedOptions } from './options'
import type { HandleState } from './stats'

/** What a side adds to the link: its admission of incoming events, and what a goodbye means. */
export interface LinkSide {
  /** Whether a provenance's bridge is this link, or one that must not hear back from it. */
  cameThrough(bridge: string): boolean
  /** How many of `count` incoming events may be taken now (the host's flood bound); all by default. */
  allow?(count: number): number
  /** Fewer were allowed than came: `dropped` events of the message were not taken. */
  flooded?(dropped: number): void
  /** The other side said `bye`. */
  bye(reason: ByeReason): void
  /** Stored events to send first on each new connection (the host's `replay`), oldest first. */
  history?(): Promise<readonly BusEvent[]> | undefined
}

/**
 * One end of the private port of a frame bridge: what goes out (in order, batched per task,
 * waiting while no port is open) and what comes in (checked, filtered by the policy, injected with
 * its identity). Host and frame differ only in their {@link LinkSide}.
 */
export class FrameLink {
  private port: MessagePort | undefined
  private ready = false
  /** Events to post, oldest first: those of this task, and those waiting for a port. */
  private outgoing: BusEvent[] = []
  private flushing = false
  /** While the history for a new connection is read, live events wait behind it. */
  private holding = false
  /** Counts ports, so a history read for a port closed meanwhile is dropped. */
  private generation = 0
  private overflowed = false

  constructor(
    private readonly host: PluginHost,
    private readonly options: ResolvedOptions,
    private readonly handle: HandleState,
    private readonly side: LinkSide,
  ) {}

  get connected(): boolean {
    return this.ready
  }

  /** Every event that reaches this bus: exported unless it came through this link, or the policy keeps it. */
  observed(event: BusEvent, provenance: Provenance): void {
    if (provenance.bridge !== undefined && this.side.cameThrough(provenance.bridge)) return
    if (!this.options.exportable(event.system)) return
    if (this.outgoing.length >= this.options.maxQueuedEvents && !this.ready) {
      if (!this.overflowed) {
        this.overflowed = true
        this.host.report(frameError('FRAME_QUEUE_FULL', `${this.options.maxQueuedEvents} events wait for the frame bridge to ${this.options.webOrigin} to connect: later ones are not sent. Raise maxQueuedEvents to keep more.`))
      }
      return
    }
    this.outgoing.push(event)
    if (this.ready && !this.flushing && !this.holding) {
      this.flushing = true
      queueMicrotask(() => this.flush())
    }
  }

  /** Uses `port` from now on (a new document, or the first); the previous one is closed. */
  open(port: MessagePort): void {
    this.drop()
    this.port = port
    port.onmessage = (message) => this.received(message.data)
    port.onmessageerror = () => this.malformed(frameError('FRAME_MALFORMED_MESSAGE', 'A message from the other side of a frame bridge could not be deserialized; it reached no subscriber.'))
    port.start()
  }

  /** The other side is there: count the connection and send what waited. */
  confirmed(): void {
    if (this.ready || !this.port) return
    this.ready = true
    this.overflowed = false
    this.handle.counts.connections++
    this.handle.connected()
    const history = this.side.history?.()
    if (!history) return this.flush()
    this.holding = true
    const generation = this.generation
    history
      .then(
        (events) => generation === this.generation && this.sendFirst(events),
        (error: unknown) => this.host.report(error instanceof BusError ? error : frameError('FRAME_EXPORT_FAILED', `The history for ${this.options.webOrigin} could not be read: ${describeError(error)}.`, error)),
      )
      .finally(() => {
        if (generation !== this.generation) return
        this.holding = false
        this.flush()
      })
  }

  /** Puts stored events ahead of the live ones that waited, each event once. */
  private sendFirst(history: readonly BusEvent[]): void {
    const waiting = new Set(this.outgoing.map(identityOf))
    const first = history.filter((event) => this.options.exportable(event.system) && !waiting.has(identityOf(event)))
    this.outgoing = [...first, ...this.outgoing]
  }

  /** Posts a protocol message (not events) on the port, if one is open. */
  post(message: PortMessage): void {
    try {
      this.port?.postMessage(message)
    } catch (error) {
      this.host.report(frameError('FRAME_EXPORT_FAILED', `A message to the other side of the frame bridge could not be posted: ${describeError(error)}.`, error))
    }
  }

  /** Says goodbye on the port (if any) and closes it; the link waits for another port. */
  close(reason?: ByeReason): void {
    if (reason) this.post({ v: 1, type: 'bye', reason })
    this.drop()
  }

  private drop(): void {
    const port = this.port
    if (!port) return
    port.onmessage = null
    port.onmessageerror = null
    port.close()
    this.port = undefined
    this.ready = false
    this.holding = false
    this.generation++
    const { status } = this.handle
    if (!status.closed && status.value.state !== 'connecting') status.next({ state: 'connecting', webOrigin: this.options.webOrigin })
  }

  private flush(): void {
    this.flushing = false
    if (!this.ready || this.holding || this.outgoing.length === 0) return
    const events = this.outgoing
    this.outgoing = []
    for (let start = 0; start < events.length; start += MAX_BATCH_EVENTS) this.postEvents(events.slice(start, start + MAX_BATCH_EVENTS))
  }

  private postEvents(events: BusEvent[]): void {
    try {
      this.port!.postMessage({ v: 1, type: 'events', events: events.map(toWire) } satisfies PortMessage)
      this.handle.counts.sent += events.length
    } catch (error) {
      // Structured clone refused the data of one of them: post one by one, to lose only that one.
      if (events.length > 1) for (const event of events) this.postEvents([event])
      else this.host.report(frameError('FRAME_EXPORT_FAILED', `The event ${events[0]!.id} (${events[0]!.system} ${events[0]!.kind}) could not be posted to ${this.options.webOrigin}: ${describeError(error)}.`, error))
    }
  }

  private received(raw: unknown): void {
    if (this.host.closed) return
    const message = readPortMessage(raw)
    if (message instanceof BusError) return this.malformed(message)
    // Whatever the other side says first on a fresh port shows it holds the port.
    this.confirmed()
    this.take(message)
  }

  private take(message: IncomingPortMessage): void {
    if (message.type === 'ready') return
    if (message.type === 'bye') return this.side.bye(message.reason)
    if (message.type === 'refused') {
      this.host.report(frameError('FRAME_POLICY_DENIED', `${this.options.webOrigin} refused ${message.count} event${message.count === 1 ? '' : 's'} of this side: ${message.message}`))
      return
    }
    const { events } = message
    const allowed = this.side.allow ? this.side.allow(events.length) : events.length
    let refused = 0
    let why = ''
    for (let i = 0; i < allowed && this.port; i++) {
      const error = this.inject(events[i]!)
      if (error) {
        refused++
        why ||= error.message
      }
    }
    if (refused > 0) this.post({ v: 1, type: 'refused', count: refused, message: why })
    if (allowed < events.length) this.side.flooded?.(events.length - allowed)
  }

  /** Injects one event from the other side; the error it was refused with, if it was. */
  private inject(event: BusEvent): BusError | undefined {
    const { counts } = this.handle
    let error: BusError
    if (this.options.importable(event.system)) {
      try {
        if (this.host.inject(event)) counts.received++
        else counts.duplicates++
        return undefined
      } catch (cause) {
        if (!(cause instanceof BusError)) throw cause
        error = cause
      }
    } else {
      error = frameError('FRAME_POLICY_DENIED', `The frame bridge's policy refuses events of the system "${event.system}" (${event.kind}) from ${this.options.webOrigin}: refused, delivered nowhere.`)
    }
    counts.refused++
    this.host.drop(error)
    return error
  }

  private malformed(error: BusError): void {
    this.handle.counts.malformed++
    this.host.drop(error)
  }
}
