import { Subject } from 'rxjs'
import { busError, type BusError } from './errors'
import { PluginSet } from './plugin-set'

/** The counters behind `bus.stats()`, but for the ones read off the subscriptions. */
export interface Counters {
  sent: number
  delivered: number
  dropped: number
  errors: number
  gaps: number
}

/**
 * What every part of one bus shares: its name and origin, whether it is closed, its counters, its
 * plugins and where failures go. The parts (admission, subscriptions, plugin hosts) each take it.
 */
export class BusState {
  closed = false
  readonly counters: Counters = { sent: 0, delivered: 0, dropped: 0, errors: 0, gaps: 0 }
  readonly errors = new Subject<BusError>()
  readonly plugins: PluginSet = new PluginSet((error) => this.report(error))

  constructor(
    readonly name: string,
    readonly origin: string,
  ) {}

  /** Reports a failure on `errors$` and to every plugin, without stopping anything. */
  readonly report = (error: BusError): void => {
    this.counters.errors++
    this.errors.next(error)
    this.plugins.error(error)
  }

  /** Counts a refused incoming event or message in `stats().dropped` and reports why. */
  readonly drop = (error: BusError): void => {
    this.counters.dropped++
    this.report(error)
  }

  /** Counts events found lost in transit in `stats().gaps` and reports them. */
  readonly missed = (error: BusError): void => {
    this.counters.gaps++
    this.report(error)
  }

  ensureOpen(): void {
    if (this.closed) throw busError('BUS_CLOSED', `The bus "${this.name}" is closed: create a new one.`)
  }
}
