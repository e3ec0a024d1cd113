import { BusError, isRecord, type PeerKind } from '../core/index'
import { DEFAULT_MAX_EVENT_BYTES, isUnsafeKey } from './clonable'
import { ENVELOPE_VERSION, type Incoming } from './envelope'
import { syncError } from './errors'
import { malformed, WireEventReader } from './wire-events'

const PEER_KINDS: ReadonlySet<string> = new Set<PeerKind>(['window', 'iframe', 'worker', 'shared-worker', 'service-worker', 'other'])

// Bus instance ids are base36 (see core/ids.ts); the bound keeps a crafted id from being huge.
const ORIGIN_ID = /^[0-9a-z]{1,64}$/

export interface ReaderLimits {
  /** The largest event accepted, as the sender measured it (`measureEvent`). */
  readonly maxEventBytes: number
}

/**
 * Checks a message from the channel and rebuilds it from fresh objects; returns a `BusError`
 * (`INVALID`) for anything else. Reads only what it expects, so extra keys are ignored, but an own
 * `__proto__`, `constructor` or `prototype` key anywhere refuses the whole message
 * (`SYNC_MALFORMED_MESSAGE`), and so does an event over `maxEventBytes` or a message over
 * `BATCH_EVENTS` events or its size bound (`SYNC_TOO_LARGE`): no sender of this build posts one,
 * and a receiver must not be made to deliver it.
 *
 * @example
 * const read = createEnvelopeReader({ maxEventBytes: 1024 * 1024 })
 * const message = read(event.data)
 * if (message instanceof BusError) host.drop(message)
 */
export function createEnvelopeReader({ maxEventBytes }: ReaderLimits = { maxEventBytes: DEFAULT_MAX_EVENT_BYTES }): (raw: unknown) => Incoming | BusError {
  const wire = new WireEventReader(maxEventBytes)
  // The last sender id that passed ORIGIN_ID: a burst or a ping-pong tests each id once.
  const origins: { last: string | undefined } = { last: undefined }
  return (raw) => {
    try {
      return readEnvelope(raw, wire, origins)
    } catch (error) {
      if (error instanceof BusError) return error.code === 'SYNC_MALFORMED_MESSAGE' || error.code === 'SYNC_TOO_LARGE' ? error : malformed(error.message, error)
      throw error
    }
  }
}

function readEnvelope(raw: unknown, wire: WireEventReader, origins: { last: string | undefined }): Incoming | BusError {
  if (!isPlainRecord(raw)) return malformed('not a plain object, or one with a __proto__, constructor or prototype key')
  const v = raw.v
  if (v !== ENVELOPE_VERSION) {
    if (typeof v === 'number' && v > ENVELOPE_VERSION) {
      return syncError('SYNC_UNSUPPORTED_VERSION', `Dropped a message of envelope version ${v} from another context: this build reads version ${ENVELOPE_VERSION}. Load the same crossbus version everywhere.`)
    }
    return malformed('no known version "v"')
  }
  const from = raw.from
  if (typeof from !== 'string') return malformed('"from" is not a bus id')
  if (from !== origins.last) {
    if (!ORIGIN_ID.test(from)) return malformed('"from" is not a bus id')
    origins.last = from
  }
  switch (raw.type) {
    case 'events': {
      const { events, sizes } = wire.read(raw.events, from)
      return { v: ENVELOPE_VERSION, type: 'events', from, events, sizes, first: wire.first(raw.first) }
    }
    case 'injected': {
      const bridge = raw.bridge
      if (typeof bridge !== 'string' || bridge === '' || bridge.length > 64) return malformed('"bridge" is not a plugin name')
      return { v: ENVELOPE_VERSION, type: 'injected', from, bridge, events: wire.read(raw.events).events }
    }
    case 'hello':
    case 'here':
      return readPresence(raw, from)
    case 'bye':
      return { v: ENVELOPE_VERSION, type: 'bye', from }
    default:
      return malformed('no known "type"')
  }
}

/** A `hello` or a `here`. */
function readPresence(raw: Record<string, unknown>, from: string): Incoming | BusError {
  const { kind, since } = raw
  if (typeof kind !== 'string' || !PEER_KINDS.has(kind)) return malformed('"kind" is not a known context kind')
  if (typeof since !== 'number' || !Number.isFinite(since)) return malformed('"since" is not a finite time')
  if (raw.type === 'here') return { v: ENVELOPE_VERSION, type: 'here', from, kind: kind as PeerKind, since }
  if (typeof raw.ask !== 'boolean') return malformed('"ask" is not a boolean')
  return { v: ENVELOPE_VERSION, type: 'hello', from, kind: kind as PeerKind, since, ask: raw.ask }
}

/**
 * A record (the kit's `isRecord`) that is also plain: its prototype is `null` or some realm's
 * `Object.prototype`, and it has no own key a merge could follow into a prototype.
 */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value)) return false
  const proto: unknown = Object.getPrototypeOf(value)
  if (proto !== null && Object.getPrototypeOf(proto) !== null) return false
  for (const key of Object.keys(value)) if (isUnsafeKey(key)) return false
  return true
}
