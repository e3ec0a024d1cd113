import type { Arrival, BusEvent } from '../src/core/index'
import { jsonText, textOf } from './format'

/**
 * How an event got into the table: the bus's own arrivals (`sent` here, `received` from another
 * tab, worker or frame, `injected` by a bridge here), or the panel's (`replayed` from history,
 * `imported` from a file).
 */
export type RecordArrival = Arrival | 'replayed' | 'imported'

/**
 * Where a recorded event came from. The bus's `Provenance` is one, kept as the bus gave it (for
 * sends, the bus hands every plugin the same object, so recording it costs nothing).
 */
export interface RecordSource {
  readonly arrival: RecordArrival
  /** The bus instance the event reached this one through (the sender for `sent`). */
  readonly from: string
  /** The bridge that brought the event into the origin, if one did. */
  readonly bridge: string | undefined
}

/** One row of the devtools table: an event, its number and where it came from. Built when drawn. */
export interface DevtoolsRecord extends RecordSource {
  /** The row's number, in the order the panel saw events (see `EventRing`). */
  readonly n: number
  readonly event: BusEvent
  /** The event's estimated size in bytes, as the ring counts it against `maxBufferBytes`. */
  readonly bytes: number
}

// Computed the first time a text filter, the size column or a copy needs it, and forgotten with
// the event. Keyed by the event, which never changes, so the recording side never touches it.
const jsonOfEvent = new WeakMap<BusEvent, string>()

/** The event's data as JSON text, for searching and sizing; never throws (cycles, BigInt). */
export function dataJson(event: BusEvent): string {
  let json = jsonOfEvent.get(event)
  if (json === undefined) {
    const shown = jsonText(event.data)
    // What JSON cannot hold is searched as its text (a BigInt's digits), unless it is too large to print at all.
    json = shown.text ?? (shown.tooLarge ? '' : textOf(event.data))
    jsonOfEvent.set(event, json)
  }
  return json
}

/** One failure seen on `errors$`. */
export interface DevtoolsErrorRecord {
  readonly time: number
  readonly kind: string
  readonly code: string
  readonly message: string
}
