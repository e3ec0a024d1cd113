import type { BusError } from '../src/core/errors'
import type { BusEvent } from '../src/core/event'
import type { BusPlugin, PluginHost, SubscriptionInfo } from '../src/core/plugin'
import { answerDevtools } from './agent'
import type { DevtoolsErrorRecord, DevtoolsRecord, RecordArrival } from './records'
import { Ring } from './ring'

/** How many of the latest failures the panel keeps. */
const MAX_ERRORS = 500

/**
 * What the panel knows, kept by a plugin that observes the bus: every event with its provenance
 * (never a subscription: nothing is counted in `stats()` and no policy filters it), the failures on
 * `errors$`, the open subscriptions. Each hook does the least it can (a push into a ring and a
 * flag), so that observing costs sends next to nothing; the UI reads it once per animation frame.
 */
export class Recorder {
  readonly events: Ring<DevtoolsRecord>
  readonly errors: DevtoolsErrorRecord[] = []
  readonly subscriptions = new Map<number, SubscriptionInfo>()
  /** Called after anything changed; the UI sets it to schedule its next frame. */
  onChange: (() => void) | undefined
  private host: PluginHost | undefined

  constructor(maxEvents: number) {
    this.events = new Ring(maxEvents)
  }

  /** The plugin to give `bus.use`. */
  plugin(): BusPlugin {
    return {
      name: 'devtools',
      setup: (host) => {
        this.host = host
        for (const subscription of host.subscriptions()) this.subscriptions.set(subscription.id, subscription)
        const stopAnswering = answerDevtools(host)
        return {
          event: (event, provenance) => this.add(event, provenance.arrival, provenance.from, provenance.bridge),
          subscribed: (subscription) => {
            this.subscriptions.set(subscription.id, subscription)
            this.onChange?.()
          },
          unsubscribed: (subscription) => {
            this.subscriptions.delete(subscription.id)
            this.onChange?.()
          },
          error: (error) => this.addError(error),
          close: () => {
            stopAnswering()
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

  add(event: BusEvent, arrival: RecordArrival, from: string, bridge: string | undefined): void {
    this.events.push({ n: this.events.end, event, arrival, from, bridge })
    this.onChange?.()
  }

  private addError(error: BusError): void {
    if (this.errors.length >= MAX_ERRORS) this.errors.shift()
    this.errors.push({ time: Date.now(), kind: error.kind, code: String(error.code), message: error.message })
    this.onChange?.()
  }
}
