import type { Arrival } from '../src/core/plugin'
import type { BusEvent } from '../src/core/event'

/**
 * How an event got into the table: the bus's own arrivals (`sent` here, `received` from another
 * tab, worker or frame, `injected` by a bridge here), or the panel's (`replayed` from history,
 * `imported` from a file).
 */
export type RecordArrival = Arrival | 'replayed' | 'imported'

/** One row of the devtools table. */
export interface DevtoolsRecord {
  /** The row's number, in the order the panel saw events (see `Ring`). */
  readonly n: number
  readonly event: BusEvent
  readonly arrival: RecordArrival
  /** The bus instance the event reached this one through (the sender for `sent`). */
  readonly from: string
  /** The bridge that brought the event into the origin, if one did. */
  readonly bridge: string | undefined
  /** The event's data as JSON, computed the first time a text filter or the size column needs it. */
  json?: string
}

/** One failure seen on `errors$`. */
export interface DevtoolsErrorRecord {
  readonly time: number
  readonly kind: string
  readonly code: string
  readonly message: string
}

/** The data as JSON text, for searching and sizing; never throws (cycles, BigInt). */
export function dataJson(record: DevtoolsRecord): string {
  if (record.json === undefined) {
    try {
      record.json = JSON.stringify(record.event.data) ?? ''
    } catch {
      record.json = String(record.event.data)
    }
  }
  return record.json
}
