import { busError, BusError, checkKind, checkPath, checkSystem, isEventTime, MAX_IDENTITY_LENGTH, type BusEvent, type PeerKind } from '../core/index'
import { DEFAULT_MAX_EVENT_BYTES, isUnsafeKey, measureClonable } from './clonable'
import type { FirstPost } from './ordering'

/** The envelope version this build writes and reads. A newer version is refused, not guessed at. */
export const ENVELOPE_VERSION = 1

export type { PeerKind }

const PEER_KINDS: ReadonlySet<string> = new Set<PeerKind>(['window', 'iframe', 'worker', 'shared-worker', 'service-worker', 'other'])

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
 * data. Throws `BusError` `TOO_LARGE` past `maxEventBytes`, and `NOT_CLONABLE` or `UNSAFE_KEY`
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

/** A checked incoming message: events are fresh `BusEvent` objects. */
export type Incoming =
  | Exclude<Envelope, { type: 'events' | 'injected' }>
  | { readonly v: 1; readonly type: 'events'; readonly from: string; readonly events: readonly BusEvent[]; readonly first: FirstPost | undefined }
  | { readonly v: 1; readonly type: 'injected'; readonly from: string; readonly bridge: string; readonly events: readonly BusEvent[] }

/** Packs an event for the wire. */
export function toWire(event: BusEvent): WireEvent {
  return [event.seq, event.system, event.kind, event.path, event.time, event.data]
}

/** Packs an injected event for the wire, identity and all. */
export function toInjectedWire(event: BusEvent): WireInjectedEvent {
  return [event.id, event.origin, event.seq, event.system, event.kind, event.path, event.time, event.data]
}

// Bus instance ids are base36 (see core/ids.ts); the bound keeps a crafted id from being huge.
const ORIGIN_ID = /^[0-9a-z]{1,64}$/

// Valid names seen recently, so a burst pays one Set lookup per name instead of the checks.
const KNOWN_NAMES_LIMIT = 4096

export interface ReaderLimits {
  /** The largest event accepted, as the sender measured it (`measureEvent`). */
  readonly maxEventBytes: number
}

/**
 * Checks a message from the channel and rebuilds it from fresh objects; returns a `BusError`
 * (`INVALID`) for anything else. Reads only what it expects, so extra keys are ignored, but an own
 * `__proto__`, `constructor` or `prototype` key anywhere refuses the whole message, and so does an
 * event over `maxEventBytes` or a message over `BATCH_EVENTS` events or its size bound
 * (`TOO_LARGE`): no sender of this build posts one, and a receiver must not be made to deliver it.
 */
export function createEnvelopeReader({ maxEventBytes }: ReaderLimits = { maxEventBytes: DEFAULT_MAX_EVENT_BYTES }): (raw: unknown) => Incoming | BusError {
  const knownNames = new Set<string>()
  const maxMessageBytes = Math.max(BATCH_BYTES, maxEventBytes)

  /** Checks a batch's length before reading any of it. */
  function checkCount(raw: unknown): unknown[] {
    if (!Array.isArray(raw) || raw.length === 0) throw malformed('"events" is not a non-empty array')
    if (raw.length > BATCH_EVENTS) throw tooLarge(`${raw.length} events, over ${BATCH_EVENTS}`)
    return raw
  }

  /** Measures one rebuilt event and adds it to the message's total. */
  function measure(event: BusEvent, i: number, total: number): number {
    let bytes: number
    try {
      bytes = measureEvent(event, maxEventBytes)
    } catch (error) {
      if (error instanceof BusError && error.code === 'TOO_LARGE') throw tooLarge(`event ${i} over maxEventBytes, ${maxEventBytes}`)
      throw error
    }
    total += bytes
    if (total > maxMessageBytes) throw tooLarge(`events over ${maxMessageBytes} bytes together`)
    return total
  }

  function checkName(value: unknown, check: (value: unknown) => void): value is string {
    if (typeof value === 'string' && knownNames.has(value)) return true
    check(value)
    if (knownNames.size >= KNOWN_NAMES_LIMIT) knownNames.clear()
    knownNames.add(value as string)
    return true
  }

  /** Checks what the two tuples share (names, path, time) and builds a fresh event. */
  function eventOf(i: number, id: string, origin: string, seq: number, system: unknown, kind: unknown, path: unknown, time: unknown, data: unknown): BusEvent {
    checkName(system, checkSystem)
    checkName(kind, checkKind)
    checkPath(path)
    if (!isEventTime(time)) throw malformed(`event ${i} has no time in whole epoch milliseconds of years 0000-9999`)
    return { id, system: system as string, kind: kind as string, path: path as string, data, time, origin, seq }
  }

  function readEvents(from: string, raw: unknown): BusEvent[] {
    const wires = checkCount(raw)
    const events: BusEvent[] = new Array(wires.length)
    let previous = 0
    let total = 0
    for (let i = 0; i < wires.length; i++) {
      const wire: unknown = wires[i]
      if (!Array.isArray(wire) || wire.length !== 6) throw malformed(`event ${i} is not a [seq, system, kind, path, time, data] tuple`)
      const [seq, system, kind, path, time, data] = wire as unknown[]
      if (!isSeq(seq) || seq <= previous) throw malformed(`event ${i} has no increasing positive integer seq`)
      previous = seq
      events[i] = eventOf(i, `${from}-${seq}`, from, seq, system, kind, path, time, data)
      // Also the key check (a clone holds nothing unclonable).
      total = measure(events[i]!, i, total)
    }
    return events
  }

  function readInjected(raw: unknown): BusEvent[] {
    let total = 0
    return checkCount(raw).map((wire: unknown, i) => {
      if (!Array.isArray(wire) || wire.length !== 8) throw malformed(`event ${i} is not an [id, origin, seq, system, kind, path, time, data] tuple`)
      const [id, origin, seq, system, kind, path, time, data] = wire as unknown[]
      if (!isIdentityPart(id) || !isIdentityPart(origin)) throw malformed(`event ${i} has no id or origin of 1 to ${MAX_IDENTITY_LENGTH} characters`)
      if (!Number.isSafeInteger(seq) || (seq as number) < 0) throw malformed(`event ${i} has no non-negative integer seq`)
      const event = eventOf(i, id, origin, seq as number, system, kind, path, time, data)
      total = measure(event, i, total)
      return event
    })
  }

  function readFirst(raw: unknown): FirstPost | undefined {
    if (raw === undefined) return undefined
    if (!Array.isArray(raw) || raw.length !== 2 || !isSeq(raw[0]) || typeof raw[1] !== 'number' || !Number.isFinite(raw[1])) throw malformed('"first" is not a [seq, time] pair')
    return { seq: raw[0], time: raw[1] }
  }

  return (raw) => {
    try {
      if (!isRecord(raw)) return malformed('not an object')
      const v = raw.v
      if (v !== ENVELOPE_VERSION) {
        if (typeof v === 'number' && v > ENVELOPE_VERSION) {
          return busError('UNSUPPORTED_VERSION', `Dropped a message of envelope version ${v} from another context: this build reads version ${ENVELOPE_VERSION}. Load the same crossbus version everywhere.`)
        }
        return malformed('no known version "v"')
      }
      const from = raw.from
      if (typeof from !== 'string' || !ORIGIN_ID.test(from)) return malformed('"from" is not a bus id')
      switch (raw.type) {
        case 'events':
          return { v: ENVELOPE_VERSION, type: 'events', from, events: readEvents(from, raw.events), first: readFirst(raw.first) }
        case 'injected': {
          const bridge = raw.bridge
          if (typeof bridge !== 'string' || bridge === '' || bridge.length > 64) return malformed('"bridge" is not a plugin name')
          return { v: ENVELOPE_VERSION, type: 'injected', from, bridge, events: readInjected(raw.events) }
        }
        case 'hello':
        case 'here': {
          const { kind, since } = raw
          if (typeof kind !== 'string' || !PEER_KINDS.has(kind)) return malformed('"kind" is not a known context kind')
          if (typeof since !== 'number' || !Number.isFinite(since)) return malformed('"since" is not a finite time')
          if (raw.type === 'here') return { v: ENVELOPE_VERSION, type: 'here', from, kind: kind as PeerKind, since }
          if (typeof raw.ask !== 'boolean') return malformed('"ask" is not a boolean')
          return { v: ENVELOPE_VERSION, type: 'hello', from, kind: kind as PeerKind, since, ask: raw.ask }
        }
        case 'bye':
          return { v: ENVELOPE_VERSION, type: 'bye', from }
        default:
          return malformed('no known "type"')
      }
    } catch (error) {
      if (error instanceof BusError) return error.code === 'MALFORMED_MESSAGE' || error.code === 'TOO_LARGE' ? error : malformed(error.message, error)
      throw error
    }
  }
}

/** A plain object with no own key that a merge could follow into a prototype. */
function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto: unknown = Object.getPrototypeOf(value)
  if (proto !== null && Object.getPrototypeOf(proto) !== null) return false
  for (const key of Object.keys(value)) if (isUnsafeKey(key)) return false
  return true
}

function isSeq(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0
}

function tooLarge(why: string): BusError {
  return busError('TOO_LARGE', `Dropped a message on the bus channel (${why}); it reached no subscriber.`)
}

function malformed(why: string, cause?: unknown): BusError {
  return busError('MALFORMED_MESSAGE', `Dropped a malformed message on the bus channel (${why}); it reached no subscriber.`, cause)
}

function isIdentityPart(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && value.length <= MAX_IDENTITY_LENGTH
}
