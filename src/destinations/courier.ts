import type { BusError } from '../core/errors'
import type { Destination } from './config'
import { destinationError } from './errors'
import { backoffDelay, type Backoff } from './retry'
import type { DestinationStore, OutboxEntry, StoredDeadLetter } from './store'
import type { DeliveryResult, DestinationProvider, DestinationStatus, GetHeaders } from './types'

/** How many requests' worth of entries one outbox read takes: one read per ten requests, at least 200 entries. */
const READ_AHEAD_REQUESTS = 10
const READ_AHEAD_MIN = 200

export interface RetryPolicy extends Backoff {
  readonly maxAttempts: number
}

/** What a courier needs from the plugin that runs it. */
export interface CourierDeps {
  readonly store: DestinationStore
  readonly provider: DestinationProvider
  readonly retry: RetryPolicy
  readonly getHeaders: () => GetHeaders | undefined
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
 */
export class Courier {
  private active = false
  private running = false
  private again = false
  /** Read from the outbox, not yet sent. */
  private queue: OutboxEntry[] = []
  /** Batches to send before reading on: a batch to retry, or the halves of a refused one. */
  private held: OutboxEntry[][] = []
  /** Outbox removals in flight: the next read waits for them, so it never sees a delivered entry. */
  private settling = new Set<Promise<unknown>>()
  private timer: ReturnType<typeof setTimeout> | undefined
  /** The read under way for after the queue, if any. */
  private prefetch: Promise<OutboxEntry[]> | undefined
  /** The last entry of the latest full read: the next read continues after it. */
  private after: OutboxEntry['event'] | undefined
  private inFlight: AbortController | undefined
  private attempts = 0
  private headersReported = false
  private state: Omit<DestinationStatus, 'id'> = { pending: 0, delivered: 0, failed: 0, lastError: undefined, nextRetryAt: undefined, paused: undefined }

  constructor(
    private destination: Destination,
    private readonly deps: CourierDeps,
  ) {}

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
    this.inFlight?.abort()
    this.clearTimer()
    this.queue = []
    this.held = []
    this.prefetch = undefined
    this.after = undefined
    if (this.state.nextRetryAt !== undefined) this.update({ nextRetryAt: undefined })
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
    if (!this.active || this.inFlight || this.state.nextRetryAt !== undefined || !this.deps.online()) return
    const batch = this.queue.splice(0, this.destination.perRequest)
    if (batch.length === 0) return
    this.clearTimer()
    void this.deliver(batch, true).then((result) => {
      if (result.outcome === 'accepted') this.track(this.deps.store.remove(this.destination.config.id, batch.map((entry) => entry.event)))
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
      if (this.destination.needsHeaders && !this.deps.getHeaders()) return this.missingHeaders()
      if (this.state.paused) this.update({ paused: undefined })

      let batch = this.held.shift()
      if (!batch) {
        if (this.queue.length === 0) {
          const entries = await this.read()
          if (!this.active) return
          this.queue = entries
          if (entries.length === 0) return
        }
        const { perRequest, maxDelayMs } = this.destination
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
            return
          }
        }
        batch = this.queue.splice(0, perRequest)
        // Read on while this batch is out, so the next request need not wait for the outbox.
        if (this.queue.length < perRequest && this.after && !this.prefetch) this.prefetch = this.peek(this.after)
      }
      await this.handle(batch, await this.deliver(batch, false))
    }
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

  private async peek(after: OutboxEntry['event'] | undefined): Promise<OutboxEntry[]> {
    const id = this.destination.config.id
    const limit = Math.max(READ_AHEAD_MIN, this.destination.perRequest * READ_AHEAD_REQUESTS)
    const entries = await this.deps.store.peek(id, limit, after)
    const full = entries.length === limit
    this.after = full ? entries[entries.length - 1]!.event : undefined
    // A short read from the oldest is the whole outbox; otherwise count it.
    const pending = !full && after === undefined ? entries.length : await this.deps.store.count(id)
    if (pending !== this.state.pending) this.update({ pending })
    return entries
  }

  private async deliver(batch: OutboxEntry[], keepalive: boolean): Promise<DeliveryResult> {
    const controller = new AbortController()
    if (!keepalive) this.inFlight = controller
    const getHeaders = this.deps.getHeaders()
    const config = getHeaders ? { ...this.destination.config, getHeaders } : this.destination.config
    try {
      return await this.deps.provider.deliver(batch.map((entry) => entry.event), { destination: config, signal: controller.signal, keepalive })
    } catch (cause) {
      // A provider that throws is treated as a failure worth retrying, never as a refusal.
      return { outcome: 'retry', error: destinationError('DELIVERY_FAILED', `Destination "${config.id}": the "${config.type}" provider threw (${cause instanceof Error ? cause.message : String(cause)}).`, cause) }
    } finally {
      if (this.inFlight === controller) this.inFlight = undefined
    }
  }

  private async handle(batch: OutboxEntry[], result: DeliveryResult): Promise<void> {
    const id = this.destination.config.id
    const events = batch.map((entry) => entry.event)
    if (result.outcome === 'accepted') {
      // Even after losing leadership: the receiver has them, so they must not be sent again.
      this.track(this.deps.store.remove(id, events))
      this.attempts = 0
      return this.update({ delivered: this.state.delivered + batch.length, pending: Math.max(0, this.state.pending - batch.length), nextRetryAt: undefined })
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
    const delay = result.retryAfterMs ?? backoffDelay(this.attempts, this.deps.retry)
    this.update({ lastError: result.error, nextRetryAt: this.deps.now() + delay })
    this.schedule(delay, () => this.update({ nextRetryAt: undefined }))
  }

  private async bury(batch: OutboxEntry[], error: BusError): Promise<void> {
    const failedAt = this.deps.now()
    const letters: StoredDeadLetter[] = batch.map((entry) => ({
      destination: entry.destination,
      event: entry.event,
      error: { kind: error.kind, code: String(error.code), message: error.message },
      failedAt,
    }))
    this.track(this.deps.store.bury(letters))
    this.deps.report(error)
    this.update({ failed: this.state.failed + batch.length, pending: Math.max(0, this.state.pending - batch.length), lastError: error, nextRetryAt: undefined })
  }

  private missingHeaders(): void {
    if (this.state.paused !== 'no-headers') this.update({ paused: 'no-headers' })
    if (this.headersReported) return
    this.headersReported = true
    const id = this.destination.config.id
    this.deps.report(
      destinationError('DESTINATION_HEADERS_MISSING', `Destination "${id}" was added with getHeaders, and this context, which leads delivery, has none: its events wait. Pass destinations(bus, { getHeaders: { "${id}": ... } }) in every context.`),
    )
  }

  private schedule(delay: number, then: () => void): void {
    this.clearTimer()
    this.timer = setTimeout(() => {
      this.timer = undefined
      then()
      this.wake()
    }, delay)
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
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
