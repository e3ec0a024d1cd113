import type { BusEvent, PeerKind } from '../core/index'
import { measureClonable } from './clonable'
import type { FirstPost } from './ordering'

/** The envelope version this build writes and reads. A newer version is refused, not guessed at. */
export const ENVELOPE_VERSION = 1

export type { PeerKind }

/**
 * The most one message carries, estimated as `measureEvent` does: senders split larger bursts
 * (a single event may still be up to `maxEventBytes`), and receivers refuse anything larger.
 */
export const BATCH_BYTES = 1024 * 1024

/** The most events one message carries; senders split longer bursts, receivers refuse longer messages. */
export const BATCH_EVENTS = 10_000

// What an event costs besides its names and data: time, seq, the tuple.
const EVENT_OVERHEAD_BYTES = 24

/**
 * The estimated size of an event on the wire, the same on both ends: its names, identity and
 * data. Throws `BusError` `SYNC_TOO_LARGE` past `maxEventBytes`, and `SYNC_NOT_CLONABLE` or `SYNC_UNSAFE_KEY`
 * for data that may not cross.
 */
export function measureEvent(event: BusEvent, maxEventBytes: number): number {
  const names = event.id.length + event.origin.length + event.system.length + event.kind.length + event.path.length + EVENT_OVERHEAD_BYTES
  return names + measureClonable(event.data, maxEventBytes - names, 'data', maxEventBytes)
}

/**
 * One event on the wire, as a tuple: a burst of small events clones faster without the same eight
 * keys in every event. The origin is the envelope's `from`, the id is `${from}-${seq}`.
 */
export type WireEvent = readonly [seq: number, system: string, kind: string, path: string, time: number, data: unknown]

/**
 * An event a bridge injected, on the wire: it keeps its own identity, so every field travels.
 * `origin` may be any string a broker carried (not a bus id), `seq` 0 when no bus sequenced it.
 */
export type WireInjectedEvent = readonly [id: string, origin: string, seq: number, system: string, kind: string, path: string, time: number, data: unknown]

/** Every message a bus posts on its channel. */
export type Envelope =
  /**
   * The events one instance sent in one task, in seq order. `first`: the first event it ever
   * posted, so a receiver meeting it late can tell what it was owed (older builds leave it out).
   */
  | { readonly v: 1; readonly type: 'events'; readonly from: string; readonly events: readonly WireEvent[]; readonly first?: readonly [seq: number, time: number] }
  /** Events a bridge of the sending instance brought in from outside the origin, in the order it did. */
  | { readonly v: 1; readonly type: 'injected'; readonly from: string; readonly bridge: string; readonly events: readonly WireInjectedEvent[] }
  /** An instance announcing itself; `ask`: everyone answer with `here` (who is there?). */
  | { readonly v: 1; readonly type: 'hello'; readonly from: string; readonly kind: PeerKind; readonly since: number; readonly ask: boolean }
  /** The answer to a `hello` that asked. */
  | { readonly v: 1; readonly type: 'here'; readonly from: string; readonly kind: PeerKind; readonly since: number }
  /** An instance leaving (closed, or its page unloading or entering the back/forward cache). */
  | { readonly v: 1; readonly type: 'bye'; readonly from: string }

/**
 * A checked incoming message: events are fresh `BusEvent` objects. `sizes`: each event's size as
 * `measureEvent` estimated it, which tells two events with one identity apart.
 */
export type Incoming =
  | Exclude<Envelope, { type: 'events' | 'injected' }>
  | { readonly v: 1; readonly type: 'events'; readonly from: string; readonly events: readonly BusEvent[]; readonly sizes: readonly number[]; readonly first: FirstPost | undefined }
  | { readonly v: 1; readonly type: 'injected'; readonly from: string; readonly bridge: string; readonly events: readonly BusEvent[] }

/** Packs an event for the wire. */
export function toWire(event: BusEvent): WireEvent {
  return [event.seq, event.system, event.kind, event.path, event.time, event.data]
}

/** Packs an injected event for the wire, identity and all. */
export function toInjectedWire(event: BusEvent): WireInjectedEvent {
  return [event.id, event.origin, event.seq, event.system, event.kind, event.path, event.time, event.data]
}
