import type { BusEvent } from '../core/index'
import { BATCH_BYTES, BATCH_EVENTS, ENVELOPE_VERSION, toInjectedWire, toWire, type Envelope, type WireEvent, type WireInjectedEvent } from './envelope'

/**
 * What one bus instance posts at the end of a task: the events sent and injected during the task,
 * in the order they reached the bus, as few messages as the batch bounds (`BATCH_BYTES`,
 * `BATCH_EVENTS`) allow, so a burst is split instead of becoming one huge clone that receivers
 * refuse. Sent events go in seq order (receivers take an earlier seq after a later one for a
 * duplicate).
 */
export class Outbox {
  // The pending events, in posting order, with each one's size and the bridge that injected it
  // here (`undefined` for an event sent here): side by side, so a burst allocates nothing per event.
  private events: BusEvent[] = []
  private bytes: number[] = []
  private bridges: Array<string | undefined> = []
  private queued = false
  // The first event sent here that was posted: every `events` message carries it (see Envelope).
  private first: readonly [seq: number, time: number] | undefined

  constructor(
    private readonly from: string,
    /** Posts one message; throws if it could not be cloned. */
    private readonly post: (message: Envelope) => void,
    /** Said of an event that reached no other context (its data changed after it was checked). */
    private readonly lost: (event: BusEvent, cause: unknown) => void,
  ) {}

  add(event: BusEvent, bytes: number, bridge: string | undefined): void {
    const { events, bridges } = this
    // A handler that sends while an event is being delivered gets the later seq but reaches here
    // first: put it back in seq order among the events sent here.
    let at = events.length
    if (bridge === undefined) {
      while (at > 0 && bridges[at - 1] === undefined && events[at - 1]!.seq > event.seq) at--
    }
    if (at === events.length) {
      events.push(event)
      this.bytes.push(bytes)
      bridges.push(bridge)
    } else {
      events.splice(at, 0, event)
      this.bytes.splice(at, 0, bytes)
      bridges.splice(at, 0, bridge)
    }
    if (!this.queued) {
      this.queued = true
      queueMicrotask(() => this.flush())
    }
  }

  /** Posts everything pending now. */
  flush(): void {
    this.queued = false
    const { events, bytes: sizes, bridges } = this
    if (events.length === 0) return
    this.clear()
    let start = 0
    let bytes = 0
    for (let i = 0; i < events.length; i++) {
      if (i > start && (bytes + sizes[i]! > BATCH_BYTES || i - start >= BATCH_EVENTS || bridges[i] !== bridges[start])) {
        this.postRun(events, bridges[start], start, i)
        start = i
        bytes = 0
      }
      bytes += sizes[i]!
    }
    this.postRun(events, bridges[start], start, events.length)
  }

  /** Drops what is pending (the bus is leaving for the back/forward cache and will come back as new). */
  clear(): void {
    this.events = []
    this.bytes = []
    this.bridges = []
  }

  /** Posts `events[start..end-1]`, all brought in by `bridge` (or all sent here), as one message. */
  private postRun(events: readonly BusEvent[], bridge: string | undefined, start: number, end: number): void {
    const head = events[start]!
    const wires = new Array<WireEvent | WireInjectedEvent>(end - start)
    for (let i = start; i < end; i++) wires[i - start] = bridge === undefined ? toWire(events[i]!) : toInjectedWire(events[i]!)
    const message: Envelope =
      bridge === undefined
        ? { v: ENVELOPE_VERSION, type: 'events', from: this.from, events: wires as WireEvent[], first: (this.first ??= [head.seq, head.time]) }
        : { v: ENVELOPE_VERSION, type: 'injected', from: this.from, bridge, events: wires as WireInjectedEvent[] }
    try {
      this.post(message)
    } catch (cause) {
      // Only data changed after it was checked gets here: post the others one by one so a single
      // bad event costs only itself; receivers report the gap.
      if (end - start > 1) {
        for (let i = start; i < end; i++) this.postRun(events, bridge, i, i + 1)
        return
      }
      this.lost(head, cause)
    }
  }
}
