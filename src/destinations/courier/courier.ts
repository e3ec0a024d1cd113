import { describeError, type BusError } from '../../core/index'
import type { Destination } from '../config'
import { destinationError } from '../errors'
import { retryDelay, type RetryPolicy } from '../retry'
import type { DestinationStore, OutboxEntry } from '../store'
import type { DeliveryResult, DestinationConfig, DestinationProvider, DestinationStatus, GetHeaders } from '../types'
import type { Clearance } from '../url-policy'
import { ClearanceGate } from './clearance-gate'
import { CourierStatus, type CourierCount } from './courier-status'
import { OfferedWrites } from './offered-writes'
import { OutboxQueue } from './outbox-queue'
import { OutboxSweeper } from './outbox-sweeper'
import { WaitTimer } from './wait-timer'

/**
 * In batch mode, up to this many requests are out at once, each answered in the order sent; as the
 * oldest is answered the next full batch goes, so round trips overlap the encoding and sending of
 * the next ones (in lock-step groups, each group waited for its slowest answer). One event per
 * request (structured, binary) goes one at a time, in order.
 */
const BATCHES_IN_FLIGHT = 4

/** A request out: its batch, and its answer to come. */
interface Sent {
  readonly batch: OutboxEntry[]
  readonly result: Promise<DeliveryResult>
}

export type { CourierCount }

/** What a courier needs from the plugin that runs it. */
export interface CourierDeps {
  readonly store: DestinationStore
  readonly provider: DestinationProvider
  readonly retry: RetryPolicy
  /** The most entries the outbox holds: entries offered past it would be trimmed, so they are read instead. */
  readonly maxOutbox: number
  /** Whether this configuration may be sent to now (`allowedUrls`), and with which `getHeaders` (bound to a web origin). */
  readonly clearance: (config: Destination['config']) => Clearance
  readonly report: (error: BusError) => void
  /** The status changed (the plugin shares it). */
  readonly changed: () => void
  /** Counts what this context did (`stats()`). */
  readonly count: (what: CourierCount, entries: number) => void
  readonly online: () => boolean
  readonly now: () => number
}

/**
 * Delivers one destination's outbox, oldest first, while this context leads: takes a batch from
 * its {@link OutboxQueue}, hands it to the provider, and on the answer removes it (accepted), backs
 * off and sends it again (retry), or splits it until the refused event stands alone and moves that
 * one to dead letters (rejected). Entries leave the outbox only once the receiver has them, so a
 * context that dies mid-request loses nothing: the next leader sends the same events, with the
 * same ids, again.
 *
 * What this context captures itself is offered straight from memory while it is being written
 * (`offer`), so a burst need not wait for its write to commit and be read back: such an entry
 * counts as delivered, and leaves the outbox, only once its write has committed and the receiver
 * accepted it ({@link OfferedWrites}). A crash before then leaves it in the outbox for the next leader.
 */
export class Courier {
  private active = false
  private running = false
  private again = false
  private readonly queue: OutboxQueue
  private readonly writes = new OfferedWrites()
  private readonly sweeper: OutboxSweeper
  private readonly gate: ClearanceGate
  private readonly timer = new WaitTimer()
  private readonly state: CourierStatus
  private readonly inFlight = new Set<AbortController>()
  private attempts = 0
  private readReported = false

  constructor(
    private destination: Destination,
    private readonly deps: CourierDeps,
  ) {
    const id = destination.config.id
    this.state = new CourierStatus(deps)
    this.sweeper = new OutboxSweeper((entries) => deps.store.remove(id, entries))
    this.queue = new OutboxQueue({ read: (limit, after) => deps.store.read(id, limit, after), settled: () => this.writes.settled(), counted: (pending) => this.state.counted(pending) })
    this.gate = new ClearanceGate({ clearance: deps.clearance, report: deps.report, hold: (error) => this.state.held(error) })
  }

  get status(): DestinationStatus {
    return { id: this.destination.config.id, ...this.state.current }
  }

  /** Continues counting from what the previous leader reported. */
  adopt(previous: DestinationStatus | undefined): void {
    this.state.adopt(previous)
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
    this.timer.stop()
    this.queue.clear()
    if (this.state.current.nextRetryAt !== undefined) this.state.update({ nextRetryAt: undefined })
  }

  /**
   * Entries this context is writing to the outbox right now (`written` settles with that write):
   * delivered from memory, in order after what the courier holds, if it can take them without
   * reading any of them back. Returns `false` when it declines; they are read from the outbox
   * once written, as any other tab's are.
   */
  offer(entries: readonly OutboxEntry[], written: Promise<unknown>): boolean {
    if (!this.active || !this.queue.takesOffers || this.state.current.pending + entries.length > this.deps.maxOutbox) return false
    this.writes.offered(written)
    // Not written: they are not in the outbox, so they are not forwarded (the plugin reports it).
    written.then(undefined, () => this.state.forgotten(this.queue.forget(entries, false)))
    this.queue.append(entries)
    this.state.added(entries.length)
    if (this.timer.filling && this.queue.length >= this.destination.perRequest) this.timer.stop()
    this.wake()
    return true
  }

  /** Entries the outbox dropped (full): those not yet sent are not sent. */
  dropped(entries: readonly OutboxEntry[]): void {
    if (entries.length > 0) this.state.forgotten(this.queue.forget(entries, true))
  }

  /** Something may have been queued, the browser may be back online: look again. */
  wake(): void {
    if (!this.active) return
    // Waiting (a backoff, a batch filling, paused): no read comes soon, yet other tabs' entries count now.
    if (this.timer.waiting || this.state.current.paused !== undefined) void this.state.recount({ settled: () => this.writes.settled(), count: () => this.deps.store.count(this.destination.config.id) })
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
    if (!this.active || this.inFlight.size > 0 || this.state.current.nextRetryAt !== undefined || !this.deps.online() || this.queue.length === 0) return
    const cleared = this.gate.check(this.destination)
    if (!cleared) return
    const batch = this.queue.takeNow(this.destination.perRequest)
    this.timer.stop()
    void this.deliver(batch, true, cleared.getHeaders).then((result) => {
      if (result.outcome === 'accepted') this.accepted(batch)
    })
  }

  private async run(): Promise<void> {
    do {
      this.again = false
      await this.drain().then(
        () => (this.readReported = false),
        (cause: unknown) => {
          // The store failed (closed under us, quota): said once, tried again on the next wake or poll.
          const error = destinationError('DESTINATION_OUTBOX_UNAVAILABLE', `Destination "${this.destination.config.id}": the outbox could not be read (${describeError(cause)}); it is tried again.`, cause)
          this.state.update({ lastError: error })
          if (!this.readReported) this.deps.report(error)
          this.readReported = true
        },
      )
    } while (this.again && this.active)
  }

  /**
   * Sends while there is room among the requests out, else handles the oldest answer. A failed
   * answer stops sending until the others are in, and all are handled as sent together.
   */
  private async drain(): Promise<void> {
    const out: Sent[] = []
    try {
      while (this.active && !this.timer.waiting) {
        if (out.length < BATCHES_IN_FLIGHT && (await this.send(out))) continue
        const oldest = out.shift()
        if (!oldest) return
        const result = await oldest.result
        await this.answered(result.outcome === 'accepted' ? [oldest] : [oldest, ...out.splice(0)])
      }
    } finally {
      // Stopped, held or waiting with requests out: their answers still count.
      if (out.length > 0) await this.answered(out.splice(0))
    }
  }

  /** Sends the next batches into the free places of `out`; `false` when none went (none ready, offline, held). */
  private async send(out: Sent[]): Promise<boolean> {
    if (!this.deps.online()) {
      this.state.update({ paused: 'offline' })
      return false
    }
    if (!this.gate.check(this.destination)) return false
    if (this.state.current.paused) this.state.update({ paused: undefined })
    const batches = await this.nextBatches(BATCHES_IN_FLIGHT - out.length, out.length > 0)
    if (!batches) return false
    // The configuration may have changed during the read: cleared again just before sending.
    const cleared = this.gate.check(this.destination)
    if (!cleared) {
      this.queue.hold(...batches)
      return false
    }
    for (const batch of batches) out.push({ batch, result: this.deliver(batch, false, cleared.getHeaders) })
    return true
  }

  /** Handles the answers to requests sent one after the other, once all are in. */
  private async answered(sent: Sent[]): Promise<void> {
    const results = await Promise.all(sent.map((request) => request.result))
    await this.handleAll(sent.map((request) => request.batch), results)
  }

  /**
   * What to send now, up to `room` batches: a held batch, else what the queue has (read on first
   * if short); `undefined` to wait. While requests are `out`, only full batches of what is queued
   * (or read on after it) go: a read from the oldest would hand back the entries they carry.
   */
  private async nextBatches(room: number, out: boolean): Promise<OutboxEntry[][] | undefined> {
    const { perRequest, maxDelayMs } = this.destination
    if (out) {
      if (perRequest === 1 || this.queue.holding || this.queue.length === 0) return undefined
      await this.queue.fill(perRequest)
      return this.active && this.queue.length >= perRequest ? this.queue.take(perRequest, room) : undefined
    }
    const held = this.queue.nextHeld()
    if (held) return [held]
    await this.queue.fill(perRequest)
    if (!this.active || this.queue.length === 0) return undefined
    if (maxDelayMs > 0 && this.queue.length < perRequest) {
      // A batch that is not full waits until its oldest event has waited maxDelayMs.
      const wait = this.queue.oldestQueuedAt! + maxDelayMs - this.deps.now()
      if (wait > 0) {
        // Read again when it is due, to take what came meanwhile.
        this.schedule(wait, true, () => this.queue.rewind())
        return undefined
      }
    }
    return this.queue.take(perRequest, room)
  }

  /** `getHeaders` is sent only with a request made here, to the url the courier was cleared for. */
  private async deliver(batch: OutboxEntry[], keepalive: boolean, getHeaders: GetHeaders | undefined): Promise<DeliveryResult> {
    const controller = new AbortController()
    if (!keepalive) this.inFlight.add(controller)
    try {
      return await callProvider(this.deps.provider, this.destination.config, batch, { signal: controller.signal, keepalive, getHeaders })
    } finally {
      this.inFlight.delete(controller)
    }
  }

  /**
   * The answers to batches sent together, in the order sent: the accepted are done; the first
   * that was not is handled as if sent alone (retried after a backoff, or split), and the others
   * that were not go back in front, after it, to be sent again in order.
   */
  private async handleAll(batches: OutboxEntry[][], results: DeliveryResult[]): Promise<void> {
    const failed = results.flatMap((result, i) => (result.outcome === 'accepted' ? [] : [i]))
    if (failed.length < batches.length) this.recovered()
    results.forEach((result, i) => {
      if (result.outcome === 'accepted') this.accepted(batches[i]!)
    })
    if (failed.length === 0 || !this.active) return
    this.queue.hold(...failed.slice(1).map((i) => batches[i]!))
    await this.handleFailure(batches[failed[0]!]!, results[failed[0]!] as Exclude<DeliveryResult, { outcome: 'accepted' }>)
  }

  private handleFailure(batch: OutboxEntry[], result: Exclude<DeliveryResult, { outcome: 'accepted' }>): void {
    if (result.outcome === 'rejected') {
      if (batch.length > 1) {
        // Which event the receiver refused is unknown: halve until the refused one stands alone.
        const half = Math.ceil(batch.length / 2)
        return this.queue.hold(batch.slice(0, half), batch.slice(half))
      }
      this.attempts = 0
      return this.bury(batch, result.error)
    }
    // Retry. Offline is not a failure of the destination: pause without counting an attempt.
    this.queue.hold(batch)
    if (!this.deps.online()) return this.state.update({ paused: 'offline', lastError: result.error })
    this.attempts++
    if (this.attempts === 1) this.deps.report(result.error)
    if (this.attempts >= this.deps.retry.maxAttempts) {
      this.queue.nextHeld()
      this.attempts = 0
      const id = this.destination.config.id
      return this.bury(batch, destinationError('DESTINATION_DELIVERY_REJECTED', `Destination "${id}": gave up after ${this.deps.retry.maxAttempts} attempts (${result.error.message}); the events are in dead letters.`, result.error))
    }
    const delay = retryDelay(this.attempts, this.deps.retry, result.retryAfterMs)
    this.state.retrying(result.error, this.deps.now() + delay)
    this.schedule(delay, false, () => this.state.update({ nextRetryAt: undefined }))
  }

  /** A request went through: the next failure starts a new backoff. */
  private recovered(): void {
    this.attempts = 0
    if (this.state.current.nextRetryAt !== undefined) this.state.update({ nextRetryAt: undefined })
  }

  /**
   * The receiver has them: they count as delivered and leave the outbox, even after losing
   * leadership (they must not be sent again); those offered from memory once their write committed.
   */
  private accepted(batch: readonly OutboxEntry[]): void {
    this.writes.afterWrites(() => {
      this.state.delivered(batch.length)
      return this.sweeper.sweep(batch)
    })
  }

  private bury(batch: OutboxEntry[], error: BusError): void {
    const stored = { kind: error.kind, code: String(error.code), message: error.message }
    // Moved once in the outbox: after the write of those offered from memory.
    this.writes.afterWrites(() => this.deps.store.bury(this.destination.config.id, batch, stored, this.deps.now()))
    this.deps.report(error)
    this.state.buried(batch.length, error)
  }

  /** Waits (nothing is read or sent meanwhile), then looks again. */
  private schedule(delay: number, filling: boolean, then: () => void): void {
    this.timer.start(delay, filling, () => {
      then()
      this.wake()
    })
  }
}

/** One request through the provider; a provider that throws is treated as a failure worth retrying, never as a refusal. */
async function callProvider(
  provider: DestinationProvider,
  stored: DestinationConfig,
  batch: readonly OutboxEntry[],
  request: { signal: AbortSignal; keepalive: boolean; getHeaders: GetHeaders | undefined },
): Promise<DeliveryResult> {
  const { getHeaders: _notThisOne, ...bare } = stored
  const config = request.getHeaders ? { ...bare, getHeaders: request.getHeaders } : bare
  try {
    return await provider.deliver(batch.map((entry) => entry.event), { destination: config, signal: request.signal, keepalive: request.keepalive })
  } catch (cause) {
    return { outcome: 'retry', error: destinationError('DESTINATION_DELIVERY_FAILED', `Destination "${config.id}": the "${config.type}" provider threw (${describeError(cause)}).`, cause) }
  }
}
