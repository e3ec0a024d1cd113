import type { BusError } from '../core/index'
import type { Destination } from './config'
import { destinationError } from './errors'
import { OutboxSweeper } from './outbox-sweeper'
import { retryDelay, timerDelay, type RetryPolicy } from './retry'
import { entryKey, type DestinationStore, type OutboxCursor, type OutboxEntry } from './store'
import type { DeliveryResult, DestinationProvider, DestinationStatus, GetHeaders } from './types'
import type { Clearance } from './url-policy'

/** How many requests' worth of entries one outbox read takes: one read per ten requests, at least 200 entries. */
const READ_AHEAD_REQUESTS = 10
const READ_AHEAD_MIN = 200
/**
 * In batch mode, up to this many full batches go out at once (their answers are handled in
 * order): a request's round trip then overlaps the next one's encoding and sending. One event per
 * request (structured, binary) goes one at a time, in order.
 */
const BATCHES_IN_FLIGHT = 4

/** What a courier needs from the plugin that runs it. */
export interface CourierDeps {
  readonly store: DestinationStore
  readonly provider: DestinationProvider
  readonly retry: RetryPolicy
  /** The most entries the outbox holds: entries offered past it would be trimmed, so they are read instead. */
  readonly maxOutbox: number
  /** Whether this configuration may be sent to now (`allowedUrls`), and with which `getHeaders` (bound to an origin). */
  readonly clearance: (config: Destination['config']) => Clearance
  readonly report: (error: BusError) => void
  /** The status changed (the plugin shares it). */
  readonly changed: () => void
  readonly online: () => boolean
  readonly now: () => number
}

/**
 * Delivers one destination's outbox, oldest first, while this context leads: reads a batch, hands
 * it to the provider, and on the answer removes it (accepted), backs off and sends it again
 * (retry), or splits it until the refused event stands alone and moves that one to dead letters
 * (rejected). Entries leave the outbox only once the receiver has them, so a context that dies
 * mid-request loses nothing: the next leader sends the same events, with the same ids, again.
 *
 * What this context captures itself is offered straight from memory while it is being written
 * (`offer`), so a burst need not wait for its write to commit and be read back: such an entry
 * counts as delivered, and leaves the outbox, only once its write has committed and the receiver
 * accepted it. A crash before then leaves it in the outbox for the next leader.
 */
export class Courier {
  private active = false
  private running = false
  private again = false
  /** Read from the outbox or offered from memory, not yet sent. */
  private queue: OutboxEntry[] = []
  /** Batches to send before reading on: a batch to retry, or the halves of a refused one. */
  private held: OutboxEntry[][] = []
  /**
   * Writes of offered entries and outbox removals in flight: a read from the oldest waits for
   * them, so it sees every offered entry that is still unsent and never a delivered one.
   */
  private settling = new Set<Promise<unknown>>()
  /** The write each entry offered from memory is in. */
  private writes = new WeakMap<OutboxEntry, Promise<unknown>>()
  private readonly sweeper: OutboxSweeper
  private timer: ReturnType<typeof setTimeout> | undefined
  /** The timer waits for a batch to fill (not a backoff): an offer that fills it ends the wait. */
  private filling = false
  /** A read is under way: an offer now could be read back too, so it is declined. */
  private reading = false
  /** The read under way for after the queue, if any. */
  private prefetch: Promise<OutboxEntry[]> | undefined
  /** Where the latest read stopped short of the end of the outbox: the next read continues there. */
  private after: OutboxCursor | undefined
  private readonly inFlight = new Set<AbortController>()
  private attempts = 0
  private headersReported = false
  private refusalReported = false
  private state: Omit<DestinationStatus, 'id'> = { pending: 0, delivered: 0, failed: 0, lastError: undefined, nextRetryAt: undefined, paused: undefined }

  constructor(
    private destination: Destination,
    private readonly deps: CourierDeps,
  ) {
    const id = destination.config.id
    this.sweeper = new OutboxSweeper((entries) => deps.store.remove(id, entries))
  }

  get status(): DestinationStatus {
    return { id: this.destination.config.id, ...this.state }
  }

  /** Continues counting from what the previous leader reported. */
  adopt(previous: DestinationStatus | undefined): void {
    if (previous) this.update({ delivered: previous.delivered, failed: previous.failed, lastError: previous.lastError })
  }

  /** A new configuration (`update`): the next request uses it. */
  reconfigure(destination: Destination): void {
    this.destination = destination
    this.wake()
  }

  /** This context leads: deliver. */
  start(): void {
    if (this.active) return
    this.active = true
    this.attempts = 0
    this.wake()
  }

  /** Stops delivering: the request in flight is abandoned; everything unsent stays in the outbox. */
  stop(): void {
    this.active = false
    for (const controller of this.inFlight) controller.abort()
    this.clearTimer()
    this.queue = []
    this.held = []
    this.prefetch = undefined
    this.after = undefined
    if (this.state.nextRetryAt !== undefined) this.update({ nextRetryAt: undefined })
  }

  /**
   * Entries this context is writing to the outbox right now (`written` settles with that write):
   * delivered from memory, in order after what the courier holds, if it can take them without
   * reading any of them back. Returns `false` when it declines; they are read from the outbox
   * once written, as any other tab's are.
   */
  offer(entries: readonly OutboxEntry[], written: Promise<unknown>): boolean {
    // Past the cursor of a continuing read, or during a read, the outbox may hand them back again.
    if (!this.active || this.reading || this.after !== undefined || this.prefetch || this.state.pending + entries.length > this.deps.maxOutbox) return false
    for (const entry of entries) this.writes.set(entry, written)
    this.track(written)
    // Not written: they are not in the outbox, so they are not forwarded (the plugin reports it).
    written.then(undefined, () => {
      const lost = new Set(entries)
      this.forget((entry) => lost.has(entry))
    })
    this.queue = this.queue.concat(entries)
    this.update({ pending: this.state.pending + entries.length })
    if (this.filling && this.queue.length >= this.destination.perRequest) this.clearTimer()
    this.wake()
    return true
  }

  /** Entries the outbox dropped (full): those not yet sent are not sent. */
  dropped(entries: readonly OutboxEntry[]): void {
    if (entries.length === 0) return
    const keys = new Set(entries.map((entry) => keyOf(entry)))
    this.forget((entry) => keys.has(keyOf(entry)))
  }

  /** Something may have been queued, the browser may be back online: look again. */
  wake(): void {
    if (!this.active) return
    if (this.running) {
      this.again = true
      return
    }
    this.running = true
    void this.run().finally(() => {
      this.running = false
      if (this.again && this.active) this.wake()
    })
  }

  /**
   * The page is going away: what is read and waiting (a batch filling up) goes out now with
   * `keepalive`, which outlives the page. Entries leave the outbox only if the answer still
   * arrives; otherwise the next leader sends them again, with the same ids.
   */
  pagehide(): void {
    if (!this.active || this.inFlight.size > 0 || this.state.nextRetryAt !== undefined || !this.deps.online() || this.queue.length === 0) return
    const cleared = this.cleared()
    if (!cleared) return
    const batch = this.queue.splice(0, this.destination.perRequest)
    this.clearTimer()
    void this.deliver(batch, true, cleared.getHeaders).then((result) => {
      if (result.outcome === 'accepted') this.accepted(batch)
    })
  }

  private async run(): Promise<void> {
    do {
      this.again = false
      await this.drain().catch((cause: unknown) => {
        // The store failed (closed under us, quota): try again on the next wake or poll.
        this.update({ lastError: destinationError('DELIVERY_FAILED', `Destination "${this.destination.config.id}": the outbox could not be read (${String(cause)}).`, cause) })
      })
    } while (this.again && this.active)
  }

  private async drain(): Promise<void> {
    while (this.active && this.timer === undefined) {
      if (!this.deps.online()) return this.update({ paused: 'offline' })
      if (!this.cleared()) return
      if (this.state.paused) this.update({ paused: undefined })

      let batch = this.held.shift()
      if (!batch) {
        const { perRequest, maxDelayMs } = this.destination
        // Too few for a request and more in the outbox (or none at all): read on first.
        if (this.queue.length < perRequest && (this.queue.length === 0 || this.prefetch || this.after !== undefined)) {
          this.reading = true
          const entries = await (this.queue.length === 0 ? this.read() : this.readOn()).finally(() => (this.reading = false))
          if (!this.active) return
          this.queue = this.queue.concat(entries)
          if (this.queue.length === 0) return
        }
        if (maxDelayMs > 0 && this.queue.length < perRequest) {
          // A batch that is not full waits until its oldest event has waited maxDelayMs.
          const wait = this.queue[0]!.queuedAt + maxDelayMs - this.deps.now()
          if (wait > 0) {
            // Read again when it is due, to take what came meanwhile.
            this.schedule(wait, () => {
              this.queue = []
              this.prefetch = undefined
              this.after = undefined
            })
            this.filling = true
            return
          }
        }
        batch = this.queue.splice(0, perRequest)
        const batches = [batch]
        while (perRequest > 1 && batches.length < BATCHES_IN_FLIGHT && this.queue.length >= perRequest) batches.push(this.queue.splice(0, perRequest))
        // Read on while these are out, so the next request need not wait for the outbox.
        if (this.queue.length < perRequest && this.after && !this.prefetch) this.prefetch = this.peek(this.after)
        if (batches.length > 1) {
          // The configuration may have changed during the read: cleared again just before sending.
          const cleared = this.cleared()
          if (!cleared) return void this.held.unshift(...batches)
          await this.handleAll(batches, await Promise.all(batches.map((each) => this.deliver(each, false, cleared.getHeaders))))
          continue
        }
      }
      const cleared = this.cleared()
      if (!cleared) return void this.held.unshift(batch)
      await this.handle(batch, await this.deliver(batch, false, cleared.getHeaders))
    }
  }

  /**
   * The answers to batches sent together, in the order sent: the accepted are done; the first
   * that was not is handled as if sent alone (retried after a backoff, or split), and the others
   * that were not go back in front, after it, to be sent again in order.
   */
  private async handleAll(batches: OutboxEntry[][], results: DeliveryResult[]): Promise<void> {
    const failed: number[] = []
    results.forEach((result, i) => {
      if (result.outcome !== 'accepted') failed.push(i)
    })
    if (failed.length < batches.length) {
      this.attempts = 0
      if (this.state.nextRetryAt !== undefined) this.update({ nextRetryAt: undefined })
    }
    results.forEach((result, i) => {
      if (result.outcome === 'accepted') this.accepted(batches[i]!)
    })
    if (failed.length === 0 || !this.active) return
    for (const i of failed.slice(1).reverse()) this.held.unshift(batches[i]!)
    await this.handle(batches[failed[0]!]!, results[failed[0]!]!)
  }

  /**
   * The next entries to send. Entries still in flight or being removed must not be read again, so
   * a read either continues after the last entry of the previous full read (`after`), or, once a
   * read came back short, starts over from the oldest after the removals have settled: that also
   * picks up entries that landed before the point a continuation read from (a retried dead letter).
   */
  private async read(): Promise<OutboxEntry[]> {
    const pending = this.prefetch
    this.prefetch = undefined
    if (pending) {
      const entries = await pending
      if (entries.length > 0) return entries
    }
    await Promise.all(this.settling)
    return this.peek(undefined)
  }

  /** The entries after the queue: the read under way for them, or one continuing where the last stopped. */
  private readOn(): Promise<OutboxEntry[]> {
    const pending = this.prefetch ?? this.peek(this.after)
    this.prefetch = undefined
    return pending
  }

  private async peek(after: OutboxCursor | undefined): Promise<OutboxEntry[]> {
    const limit = Math.max(READ_AHEAD_MIN, this.destination.perRequest * READ_AHEAD_REQUESTS)
    const { entries, next, pending } = await this.deps.store.read(this.destination.config.id, limit, after)
    this.after = next
    if (pending !== this.state.pending) this.update({ pending })
    return entries
  }

  /**
   * The `getHeaders` to send with now, or `undefined` (paused, reported once) when this destination
   * must not be sent to: its url is not allowed, its getHeaders is bound to another origin, or it
   * needs getHeaders and this context has none.
   */
  private cleared(): { getHeaders: GetHeaders | undefined } | undefined {
    const clearance = this.deps.clearance(this.destination.config)
    if (!clearance.ok) return this.refused(clearance.why)
    this.refusalReported = false
    if (this.destination.needsHeaders && !clearance.getHeaders) return this.missingHeaders()
    return clearance
  }

  /** `getHeaders` is sent only with a request made here, to the url the courier was cleared for. */
  private async deliver(batch: OutboxEntry[], keepalive: boolean, getHeaders: GetHeaders | undefined): Promise<DeliveryResult> {
    const controller = new AbortController()
    if (!keepalive) this.inFlight.add(controller)
    const { getHeaders: _notThisOne, ...bare } = this.destination.config
    const config = getHeaders ? { ...bare, getHeaders } : bare
    try {
      return await this.deps.provider.deliver(batch.map((entry) => entry.event), { destination: config, signal: controller.signal, keepalive })
    } catch (cause) {
      // A provider that throws is treated as a failure worth retrying, never as a refusal.
      return { outcome: 'retry', error: destinationError('DELIVERY_FAILED', `Destination "${config.id}": the "${config.type}" provider threw (${cause instanceof Error ? cause.message : String(cause)}).`, cause) }
    } finally {
      this.inFlight.delete(controller)
    }
  }

  private async handle(batch: OutboxEntry[], result: DeliveryResult): Promise<void> {
    const id = this.destination.config.id
    if (result.outcome === 'accepted') {
      this.attempts = 0
      if (this.state.nextRetryAt !== undefined) this.update({ nextRetryAt: undefined })
      return this.accepted(batch)
    }
    if (!this.active) return
    if (result.outcome === 'rejected') {
      if (batch.length > 1) {
        // Which event the receiver refused is unknown: halve until the refused one stands alone.
        const half = Math.ceil(batch.length / 2)
        this.held.unshift(batch.slice(0, half), batch.slice(half))
        return
      }
      this.attempts = 0
      return this.bury(batch, result.error)
    }
    // Retry. Offline is not a failure of the destination: pause without counting an attempt.
    this.held.unshift(batch)
    if (!this.deps.online()) return this.update({ paused: 'offline', lastError: result.error })
    this.attempts++
    if (this.attempts === 1) this.deps.report(result.error)
    if (this.attempts >= this.deps.retry.maxAttempts) {
      this.held.shift()
      this.attempts = 0
      const error = destinationError('DELIVERY_REJECTED', `Destination "${id}": gave up after ${this.deps.retry.maxAttempts} attempts (${result.error.message}); the events are in dead letters.`, result.error)
      return this.bury(batch, error)
    }
    const delay = retryDelay(this.attempts, this.deps.retry, result.retryAfterMs)
    this.update({ lastError: result.error, nextRetryAt: this.deps.now() + delay })
    this.schedule(delay, () => this.update({ nextRetryAt: undefined }))
  }

  /**
   * The receiver has them: they count as delivered and leave the outbox, even after losing
   * leadership (they must not be sent again); those offered from memory once their write committed.
   */
  private accepted(batch: readonly OutboxEntry[]): void {
    const settle = () => {
      this.update({ delivered: this.state.delivered + batch.length, pending: Math.max(0, this.state.pending - batch.length) })
      return this.sweeper.sweep(batch)
    }
    const written = this.writesOf(batch)
    this.track(written ? written.then(settle) : settle())
  }

  private async bury(batch: OutboxEntry[], error: BusError): Promise<void> {
    const bury = () => this.deps.store.bury(this.destination.config.id, batch, { kind: error.kind, code: String(error.code), message: error.message }, this.deps.now())
    // Moved once in the outbox: after the write of those offered from memory.
    const written = this.writesOf(batch)
    this.track(written ? written.then(bury) : bury())
    this.deps.report(error)
    this.update({ failed: this.state.failed + batch.length, pending: Math.max(0, this.state.pending - batch.length), lastError: error, nextRetryAt: undefined })
  }

  private refused(why: string): undefined {
    if (this.state.paused !== 'no-headers') this.update({ paused: 'no-headers' })
    if (this.refusalReported) return undefined
    this.refusalReported = true
    const id = this.destination.config.id
    const error = destinationError('DESTINATION_URL_REFUSED', `Destination "${id}": ${why}, so nothing is sent to it; its events wait. Was the stored configuration changed outside this app's code? update("${id}", { url }) from code puts it right.`)
    this.update({ lastError: error })
    this.deps.report(error)
    return undefined
  }

  private missingHeaders(): undefined {
    if (this.state.paused !== 'no-headers') this.update({ paused: 'no-headers' })
    if (this.headersReported) return
    this.headersReported = true
    const id = this.destination.config.id
    this.deps.report(
      destinationError('DESTINATION_HEADERS_MISSING', `Destination "${id}" was added with getHeaders, and this context, which leads delivery, has none: its events wait. Pass destinations(bus, { getHeaders: { "${id}": ... } }) in every context.`),
    )
  }

  /** Settles once the writes of the entries offered from memory among `batch` have (`undefined`: none). */
  private writesOf(batch: readonly OutboxEntry[]): Promise<unknown> | undefined {
    const writes = new Set<Promise<unknown>>()
    for (const entry of batch) {
      const write = this.writes.get(entry)
      if (write) writes.add(write)
    }
    return writes.size === 0 ? undefined : Promise.allSettled(writes)
  }

  /** Takes unsent entries out of the queue and the held batches. */
  private forget(gone: (entry: OutboxEntry) => boolean): void {
    const before = this.queue.length + this.held.reduce((sum, batch) => sum + batch.length, 0)
    this.queue = this.queue.filter((entry) => !gone(entry))
    this.held = this.held.map((batch) => batch.filter((entry) => !gone(entry))).filter((batch) => batch.length > 0)
    const forgotten = before - this.queue.length - this.held.reduce((sum, batch) => sum + batch.length, 0)
    if (forgotten > 0) this.update({ pending: Math.max(0, this.state.pending - forgotten) })
  }

  private schedule(delay: number, then: () => void): void {
    this.clearTimer()
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.filling = false
      then()
      this.wake()
    }, timerDelay(delay))
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.filling = false
  }

  private track(work: Promise<unknown>): void {
    const settled = work.catch(() => {})
    this.settling.add(settled)
    void settled.then(() => this.settling.delete(settled))
  }

  private update(change: Partial<Omit<DestinationStatus, 'id'>>): void {
    this.state = { ...this.state, ...change }
    this.deps.changed()
  }
}

function keyOf(entry: OutboxEntry): string {
  return entryKey(entry.event).join('\u0000')
}
