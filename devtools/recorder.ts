import type { BusError, BusEvent, BusPlugin, PluginHost, SubscriptionInfo } from '../src/core/index'
import { answerDevtools, DEFAULT_LIMITS, rateLimited, type ChannelEnd } from './agent-channel'
import type { DevtoolsStats } from './options'
import type { DevtoolsErrorRecord, RecordSource } from './records'
import { EventRing } from './ring'

/** How many of the latest failures the panel keeps. */
const MAX_ERRORS = 500

/**
 * What the panel knows, kept by a plugin that observes the bus: every event with its provenance
 * (never a subscription: nothing is counted in `stats()` and no policy filters it), the failures on
 * `errors$`, the open subscriptions. The event hook runs inside every send, so it does the least it
 * can: the event and its provenance go into the ring as they are (their sizes are measured in one
 * batch after the burst, see `EventRing`), and the UI is told once until it looks (then it reads
 * everything new in one animation frame).
 */
export class Recorder {
  readonly events: EventRing
  readonly errors: DevtoolsErrorRecord[] = []
  readonly subscriptions = new Map<number, SubscriptionInfo>()
  /**
   * Called when something changed since the UI last looked (`looked()`), once: the UI sets it to
   * schedule its next frame. Later changes wait for the UI without a call, so a burst of sends
   * costs one call, and a closed panel (which does not look) costs none after the first.
   */
  onChange: (() => void) | undefined
  private told = false
  private host: PluginHost | undefined
  private answering: ChannelEnd | undefined
  private droppedReports = 0
  private errorCount = 0

  constructor(maxEvents: number, maxBufferBytes?: number) {
    // Sizes are measured in the task after a burst, not inside each send: a timer runs in a
    // worker and in a background tab too (where a frame never comes), so the byte budget holds
    // within a frame while the page is shown, and within the browser's timer throttling when not.
    this.events = new EventRing(maxEvents, maxBufferBytes, (settle) => void setTimeout(settle, 0))
  }

  /** The plugin to give `bus.use`. */
  plugin(): BusPlugin {
    return {
      name: 'devtools',
      setup: (host) => {
        this.host = host
        for (const subscription of host.subscriptions()) this.subscriptions.set(subscription.id, subscription)
        const answering = (this.answering = answerDevtools(host))
        const ring = this.events
        return {
          // Inside every send: two array writes and a flag (no call to the UI until it looked).
          event: (event, provenance) => {
            ring.push(event, provenance)
            if (!this.told) this.changed()
          },
          subscribed: (subscription) => {
            this.subscriptions.set(subscription.id, subscription)
            this.changed()
          },
          unsubscribed: (subscription) => {
            this.subscriptions.delete(subscription.id)
            this.changed()
          },
          error: (error) => this.addError(error),
          close: () => {
            answering.close()
            this.host = undefined
          },
        }
      },
    }
  }

  /** The bus instance observed (its id), once attached. */
  get origin(): string | undefined {
    return this.host?.origin
  }

  /** Records an event: the bus's own (with its provenance), or one the panel loaded (history, a file). */
  add(event: BusEvent, source: RecordSource): void {
    this.events.push(event, source)
    if (!this.told) this.changed()
  }

  /** What was recorded, kept and let go (see `DevtoolsStats`). */
  stats(): DevtoolsStats {
    const ring = this.events
    return {
      recorded: ring.end,
      kept: ring.size,
      keptBytes: ring.bytes,
      forgotten: ring.forgotten,
      dropped: (this.answering?.dropped ?? 0) + this.droppedReports,
      errors: this.errorCount,
    }
  }

  /** The panel's side of the channel dropped `count` reports over its limit: counted, and reported on `errors$`. */
  reportsDropped(count: number): void {
    this.droppedReports += count
    this.host?.report(rateLimited(count, 'reports', this.host.name, DEFAULT_LIMITS.reportsPerSecond))
  }

  /** The UI calls this when it starts reading what changed: the next change tells it again. */
  looked(): void {
    this.told = false
  }

  private changed(): void {
    this.told = true
    this.onChange?.()
  }

  private addError(error: BusError): void {
    this.errorCount++
    if (this.errors.length >= MAX_ERRORS) this.errors.shift()
    this.errors.push({ time: Date.now(), kind: error.kind, code: String(error.code), message: error.message })
    this.changed()
  }
}
