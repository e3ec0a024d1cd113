import type { Subscription } from 'rxjs'
import { describeError } from '../core/index'
import type { Couriers, CouriersDeps } from './couriers'
import { destinationError } from './errors'
import type { OutboxEntry } from './store'
import type { DestinationStatus } from './types'

/** The job one context of the origin leads: delivering every destination's outbox. */
const JOB = 'destinations'
const NONE: ReadonlySet<string> = new Set()

/** Delivery from this context, which happens only while it leads. */
export interface Delivery {
  readonly leading: boolean
  /** Follows leadership from now on (once the configuration is loaded). */
  start(): void
  /** The configuration changed: one courier per destination this context can deliver. */
  align(): void
  /** Entries are being written here: the destinations whose couriers take them from memory. */
  offer(entries: readonly OutboxEntry[], written: Promise<unknown>): ReadonlySet<string>
  /** Entries the outbox dropped (full) must not be sent from memory. */
  dropped(entries: readonly OutboxEntry[]): void
  /** Entries were queued for these destinations: their couriers look at the outbox again. */
  wake(ids: Iterable<string>): void
  /** A destination as this context delivers it (`undefined` unless leading). */
  statusOf(id: string): DestinationStatus | undefined
  /** Every destination this context delivers. */
  statuses(): DestinationStatus[]
  close(): void
}

/**
 * Who delivers: the one context elected with `host.leads('destinations')`. Only the leader loads
 * the delivery code (the couriers, a lazy chunk); it runs one courier per destination.
 */
export function createDelivery(deps: CouriersDeps): Delivery {
  const { host } = deps
  let leading = false
  let closed = false
  let leadership: Subscription | undefined
  let couriers: Couriers | undefined
  let loading: Promise<void> | undefined

  function lead(value: boolean): void {
    if (closed || value === leading) return
    leading = value
    couriers?.lead(value)
    if (value && !loading) loading = load()
    deps.changed()
  }

  async function load(): Promise<void> {
    try {
      const { Couriers } = await import('./couriers')
      if (closed) return
      couriers = new Couriers(deps)
      couriers.lead(leading)
    } catch (cause) {
      host.report(destinationError('DESTINATION_DELIVERY_FAILED', `This context leads delivery for the bus "${host.name}" but could not load the delivery code (${describeError(cause)}).`, cause))
    }
  }

  return {
    get leading() {
      return leading
    },
    start() {
      if (!closed) leadership ??= host.leads(JOB).subscribe((value) => lead(value))
    },
    align: () => couriers?.align(),
    offer: (entries, written) => (leading && couriers ? couriers.offer(entries, written) : NONE),
    dropped: (entries) => couriers?.dropped(entries),
    wake(ids) {
      if (leading) couriers?.wake(ids)
    },
    statusOf: (id) => (leading ? couriers?.statusOf(id) : undefined),
    statuses: () => (leading && couriers ? couriers.statuses() : []),
    close() {
      closed = true
      leadership?.unsubscribe()
      couriers?.lead(false)
    },
  }
}
