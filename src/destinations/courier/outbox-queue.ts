import { entryKey, type OutboxCursor, type OutboxEntry, type OutboxRead } from '../store'

/** How many requests' worth of entries one outbox read takes: one read per ten requests, at least 200 entries. */
const READ_AHEAD_REQUESTS = 10
const READ_AHEAD_MIN = 200

/** Where the queue reads from, and what it tells about what it read. */
export interface QueueSource {
  read(limit: number, after: OutboxCursor | undefined): Promise<OutboxRead>
  /** Settles once the courier's writes and removals in flight have: a read from the oldest waits for them. */
  settled(): Promise<void>
  /** A read counted the destination's outbox. */
  counted(pending: number): void
}

/**
 * What one courier is about to send, oldest first: entries read from the outbox or offered from
 * memory (`queue`), and batches to send before reading on (`held`: one to retry, or the halves
 * of a refused one). Entries still in flight or being removed must not be read again, so a read
 * either continues after the last entry of the previous full read (`after`), or, once a read came
 * back short, starts over from the oldest after the removals have settled: that also picks up
 * entries that landed before the point a continuation read from (a retried dead letter).
 */
export class OutboxQueue {
  private queue: OutboxEntry[] = []
  private held: OutboxEntry[][] = []
  /** A read is under way: an offer now could be read back too (only the read from the oldest takes offers). */
  private reading = false
  /** The read under way is from the oldest, with nothing read past a cursor (see `fill`). */
  private fromOldest = false
  /**
   * That read has begun (its transaction exists, or the memory store has answered): the writes of
   * entries offered since are not in it, nor in the count it returns.
   */
  private snapshotTaken = false
  /** Entries offered since that read began. */
  private offeredSince: OutboxEntry[] = []
  /** The read under way for after the queue, if any. */
  private prefetch: Promise<OutboxEntry[]> | undefined
  /** Ends the wait of a read from the oldest for the courier's outbox work to settle: an offer came. */
  private offerCame: (() => void) | undefined
  /** Where the latest read stopped short of the end of the outbox: the next read continues there. */
  private after: OutboxCursor | undefined
  /** Counts `clear()`s: a read that began before one is dropped. */
  private generation = 0

  constructor(private readonly source: QueueSource) {}

  get length(): number {
    return this.queue.length
  }

  /** When the oldest queued entry was queued (a batch waits for it to be old enough). */
  get oldestQueuedAt(): number | undefined {
    return this.queue[0]?.queuedAt
  }

  /** Whether entries offered from memory can go at the end: no read under way or continuing could hand them back again. */
  get takesOffers(): boolean {
    return (!this.reading || this.fromOldest) && this.after === undefined && this.prefetch === undefined
  }

  append(entries: readonly OutboxEntry[]): void {
    this.queue = this.queue.concat(entries)
    if (this.snapshotTaken) this.offeredSince = this.offeredSince.concat(entries)
    this.offerCame?.()
  }

  /** Batches to send first, in order. */
  hold(...batches: OutboxEntry[][]): void {
    this.held.unshift(...batches)
  }

  /** Whether batches wait to be sent before the queue. */
  get holding(): boolean {
    return this.held.length > 0
  }

  nextHeld(): OutboxEntry[] | undefined {
    return this.held.shift()
  }

  /** Reads on when fewer than `perRequest` are queued and more are in the outbox (or none are queued). */
  async fill(perRequest: number): Promise<void> {
    if (this.queue.length >= perRequest || (this.queue.length > 0 && !this.prefetch && this.after === undefined)) return
    this.reading = true
    const generation = this.generation
    const fromOldest = this.queue.length === 0
    try {
      const entries = fromOldest ? await this.readFromOldest(perRequest) : await this.readOn(perRequest)
      // Cleared meanwhile (the courier stopped): what was read is the next leader's to send.
      if (generation !== this.generation) return
      this.queue = fromOldest ? this.withOffers(entries) : this.queue.concat(entries)
    } finally {
      this.reading = false
      this.fromOldest = false
      this.snapshotTaken = false
      this.offeredSince = []
    }
  }

  /**
   * What a read from the oldest found, then what was offered since it began (the queue holds only
   * that): their write came after the read, so it is not in what it found. If the read stopped
   * short, the reads that continue it will find them in the outbox, in order: they leave the
   * queue instead.
   */
  private withOffers(read: OutboxEntry[]): OutboxEntry[] {
    if (this.after === undefined || this.offeredSince.length === 0) return read.concat(this.queue)
    const gone = new Set(this.offeredSince)
    return read.concat(this.queue.filter((entry) => !gone.has(entry)))
  }

  /** Up to `count` batches of `perRequest` (only full ones after the first); reads on meanwhile if the queue runs short. */
  take(perRequest: number, count: number): OutboxEntry[][] {
    const batches = [this.queue.splice(0, perRequest)]
    while (perRequest > 1 && batches.length < count && this.queue.length >= perRequest) batches.push(this.queue.splice(0, perRequest))
    // Read on while these are out, so the next request need not wait for the outbox.
    if (this.queue.length < perRequest && this.after && !this.prefetch) this.prefetch = this.peek(this.after, perRequest)
    return batches
  }

  /** Takes `perRequest` queued entries for a last request (the page is going away). */
  takeNow(perRequest: number): OutboxEntry[] {
    return this.queue.splice(0, perRequest)
  }

  /** Forgets what was read (and not held): the next read starts over from the oldest, taking what came meanwhile. */
  rewind(): void {
    this.queue = []
    this.prefetch = undefined
    this.after = undefined
  }

  /** Forgets everything: the courier stopped. */
  clear(): void {
    this.generation++
    this.rewind()
    this.held = []
  }

  /**
   * Takes unsent entries out of the queue and the held batches; returns how many. `byEvent`: the
   * same events read back as other objects count too (the outbox trimmed them).
   */
  forget(entries: readonly OutboxEntry[], byEvent: boolean): number {
    const keys = new Set<unknown>(entries.map((entry) => (byEvent ? keyOf(entry) : entry)))
    const gone = (entry: OutboxEntry) => keys.has(byEvent ? keyOf(entry) : entry)
    const before = this.size()
    this.queue = this.queue.filter((entry) => !gone(entry))
    this.held = this.held.map((batch) => batch.filter((entry) => !gone(entry))).filter((batch) => batch.length > 0)
    return before - this.size()
  }

  private size(): number {
    return this.queue.length + this.held.reduce((sum, batch) => sum + batch.length, 0)
  }

  private async readFromOldest(perRequest: number): Promise<OutboxEntry[]> {
    const pending = this.prefetch
    this.prefetch = undefined
    if (pending) {
      const entries = await pending
      if (entries.length > 0) return entries
    }
    // Nothing read past a cursor is held any more: offers are taken from here on (`withOffers`).
    this.fromOldest = true
    // Entries offered meanwhile go first, as when an offer finds the queue idle: the outbox is
    // read from the oldest once they are out (the read now would hand them back as well). So an
    // offer ends the wait: a burst is not held back until the last removal (and the burst's own
    // write, queued behind it) has committed.
    await Promise.race([this.source.settled(), new Promise<void>((resolve) => (this.offerCame = resolve))])
    this.offerCame = undefined
    if (this.queue.length > 0) return []
    return this.peek(undefined, perRequest, true)
  }

  /** The entries after the queue: the read under way for them, or one continuing where the last stopped. */
  private readOn(perRequest: number): Promise<OutboxEntry[]> {
    const pending = this.prefetch ?? this.peek(this.after, perRequest)
    this.prefetch = undefined
    return pending
  }

  /** `snapshot`: the read from the oldest, which takes offers once it has begun. */
  private async peek(after: OutboxCursor | undefined, perRequest: number, snapshot = false): Promise<OutboxEntry[]> {
    const read = this.source.read(Math.max(READ_AHEAD_MIN, perRequest * READ_AHEAD_REQUESTS), after)
    if (snapshot) this.snapshotTaken = true
    const { entries, next, pending } = await read
    this.after = next
    // Entries offered since the read began are being written: they count too.
    this.source.counted(snapshot ? pending + this.offeredSince.length : pending)
    return entries
  }
}

function keyOf(entry: OutboxEntry): string {
  return entryKey(entry.event).join('\u0000')
}
