import type { BusError } from './errors'
import type { BusEvent } from './event'

/**
 * What a bus lends the modules that extend it (sync across contexts, replay, destinations,
 * devtools): each gets the same small surface instead of reaching into the bus.
 */
export interface BusCore {
  readonly name: string
  /** The bus instance's id, the `origin` of the events it sends. */
  readonly origin: string
  /** Delivers an event that arrived from elsewhere to this context's subscribers. */
  deliver(event: BusEvent): void
  /** Reports a failure on `errors$` without stopping anything. */
  report(error: BusError): void
  /** Counts a refused incoming message in `stats().dropped` and reports why. */
  drop(error: BusError): void
  /** Counts events found lost in transit (a seq gap) in `stats().gaps` and reports them. */
  missed(error: BusError): void
}

/** A module plugged into a bus: every hook is optional. */
export interface BusExtension {
  /** Runs before any delivery of a sent event; throwing fails the send with nothing delivered. */
  check?(event: BusEvent): void
  /** Runs after an event this bus sent was delivered locally. */
  sent?(event: BusEvent): void
  /** Releases what the extension holds when the bus closes. */
  close?(): void
}
