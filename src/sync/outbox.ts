import type { BusEvent } from '../core/index'
import { BATCH_BYTES, BATCH_EVENTS, ENVELOPE_VERSION, toInjectedWire, toWire, type Envelope } from './envelope'

interface Entry {
  readonly event: BusEvent
  readonly bytes: number
  /** The bridge that injected it here; `undefined` for an event sent here. */
  readonly bridge: string | undefined
}

/**
 * What one bus instance posts at the end of a task: the events sent and injected during the task,
 * in the order they reached the bus, as few messages as the batch bounds (`BATCH_BYTES`,
 * `BATCH_EVENTS`) allow, so a burst is split instead of becoming one huge clone that receivers
 * refuse. Sent events go in seq order (receivers take an earlier seq after a later one for a
 * duplicate).
 */
export class Outbox {
  private pending: Entry[] = []
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
    const entry = { event, bytes, bridge }
    // A handler that sends while an event is being delivered gets the later seq but reaches here
    // first: put it back in seq order among the events sent here.
    let at = this.pending.length
    if (bridge === undefined) {
      while (at > 0 && this.pending[at - 1]!.bridge === undefined && this.pending[at - 1]!.event.seq > event.seq) at--
    }
    if (at === this.pending.length) this.pending.push(entry)
    else this.pending.splice(at, 0, entry)
    if (!this.queued) {
      this.queued = true
      queueMicrotask(() => this.flush())
    }
  }

  /** Posts everything pending now. */
  flush(): void {
    this.queued = false
    const entries = this.pending
    if (entries.length === 0) return
    this.pending = []
    let start = 0
    let bytes = 0
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!
      const first = entries[start]!
      if (i > start && (bytes + entry.bytes > BATCH_BYTES || i - start >= BATCH_EVENTS || entry.bridge !== first.bridge)) {
        this.postRun(entries.slice(start, i))
        start = i
        bytes = 0
      }
      bytes += entry.bytes
    }
    this.postRun(start === 0 ? entries : entries.slice(start))
  }

  /** Drops what is pending (the bus is leaving for the back/forward cache and will come back as new). */
  clear(): void {
    this.pending = []
  }

  /** Posts a run of entries with the same bridge as one message. */
  private postRun(entries: readonly Entry[]): void {
    const { bridge, event: head } = entries[0]!
    const message: Envelope =
      bridge === undefined
        ? { v: ENVELOPE_VERSION, type: 'events', from: this.from, events: entries.map((entry) => toWire(entry.event)), first: (this.first ??= [head.seq, head.time]) }
        : { v: ENVELOPE_VERSION, type: 'injected', from: this.from, bridge, events: entries.map((entry) => toInjectedWire(entry.event)) }
    try {
      this.post(message)
    } catch (cause) {
      // Only data changed after it was checked gets here: post the others one by one so a single
      // bad event costs only itself; receivers report the gap.
      if (entries.length > 1) {
        for (const entry of entries) this.postRun([entry])
        return
      }
      this.lost(entries[0]!.event, cause)
    }
  }
}
