import { BusError, checkKind, checkPath, checkSystem, isEventTime, isSeq, MAX_IDENTITY_LENGTH, type BusEvent } from '../core/index'
import { BATCH_BYTES, BATCH_EVENTS, measureEvent } from './envelope'
import { syncError } from './errors'
import type { FirstPost } from './ordering'

// Valid names seen recently, so a burst pays one Set lookup per name instead of the checks.
const KNOWN_NAMES_LIMIT = 4096

/** Events read from a message, with the size of each as the sender measured it. */
export interface ReadEvents {
  readonly events: BusEvent[]
  readonly sizes: number[]
}

/**
 * Reads the event tuples of `events` and `injected` messages into fresh events, checking each as
 * a send would (names, time, clonable data within `maxEventBytes`) and the message as a whole
 * (at most `BATCH_EVENTS` events and `BATCH_BYTES`, or `maxEventBytes` if larger). Throws
 * `SYNC_MALFORMED_MESSAGE` or `SYNC_TOO_LARGE`; a data check's own error is the cause.
 */
export class WireEventReader {
  private readonly knownNames = new Set<string>()
  private readonly maxMessageBytes: number

  constructor(private readonly maxEventBytes: number) {
    this.maxMessageBytes = Math.max(BATCH_BYTES, maxEventBytes)
  }

  /**
   * The tuples of an `events` message of `from`, `[seq, system, kind, path, time, data]` with seqs
   * increasing, or (`from` undefined) of an `injected` message, `[id, origin, seq, system, kind,
   * path, time, data]`, which keep the identity a bridge gave them.
   */
  read(raw: unknown, from?: string): ReadEvents {
    const wires = checkCount(raw)
    const events: BusEvent[] = new Array(wires.length)
    const sizes: number[] = new Array(wires.length)
    const injected = from === undefined
    // Where the fields both tuples share start.
    const at = injected ? 2 : 0
    const idPrefix = `${from}-`
    let previous = 0
    let total = 0
    for (let i = 0; i < wires.length; i++) {
      const wire: unknown = wires[i]
      if (!Array.isArray(wire) || wire.length !== at + 6) throw malformed(`event ${i} is not a [${injected ? 'id, origin, ' : ''}seq, system, kind, path, time, data] tuple`)
      // Read by index: destructuring would go through the array iterator for every event.
      const seq: unknown = wire[at]
      let id: unknown = wire[0]
      let origin: unknown = wire[1]
      if (injected) {
        if (!isIdentityPart(id) || !isIdentityPart(origin)) throw malformed(`event ${i} has no id or origin of 1 to ${MAX_IDENTITY_LENGTH} characters`)
        // Not `isSeq`: a bridge gives 0 to an event no bus sequenced.
        if (!Number.isSafeInteger(seq) || (seq as number) < 0) throw malformed(`event ${i} has no non-negative integer seq`)
      } else {
        if (!isSeq(seq) || seq <= previous) throw malformed(`event ${i} has no increasing positive integer seq`)
        previous = seq
        id = idPrefix + seq
        origin = from
      }
      const system: unknown = wire[at + 1]
      const kind: unknown = wire[at + 2]
      const path: unknown = wire[at + 3]
      const time: unknown = wire[at + 4]
      this.checkName(system, checkSystem)
      this.checkName(kind, checkKind)
      checkPath(path)
      if (!isEventTime(time)) throw malformed(`event ${i} has no time in whole epoch milliseconds of years 0000-9999`)
      const event: BusEvent = { id: id as string, system: system as string, kind: kind as string, path: path as string, data: wire[at + 5], time, origin: origin as string, seq: seq as number }
      // Also the key check (a clone holds nothing unclonable).
      sizes[i] = this.measure(event, i)
      total += sizes[i]!
      if (total > this.maxMessageBytes) throw tooLarge(`events over ${this.maxMessageBytes} bytes together`)
      events[i] = event
    }
    return { events, sizes }
  }

  /** The sender's first post, `[seq, time]`, if the envelope has it. */
  first(raw: unknown): FirstPost | undefined {
    if (raw === undefined) return undefined
    if (!Array.isArray(raw) || raw.length !== 2 || !isSeq(raw[0]) || typeof raw[1] !== 'number' || !Number.isFinite(raw[1])) throw malformed('"first" is not a [seq, time] pair')
    return { seq: raw[0], time: raw[1] }
  }

  private checkName(value: unknown, check: (value: unknown) => void): void {
    if (typeof value === 'string' && this.knownNames.has(value)) return
    check(value)
    if (this.knownNames.size >= KNOWN_NAMES_LIMIT) this.knownNames.clear()
    this.knownNames.add(value as string)
  }

  /** Measures one rebuilt event, as its sender did. */
  private measure(event: BusEvent, i: number): number {
    try {
      return measureEvent(event, this.maxEventBytes)
    } catch (error) {
      if (error instanceof BusError && error.code === 'SYNC_TOO_LARGE') throw tooLarge(`event ${i} over maxEventBytes, ${this.maxEventBytes}`)
      throw error
    }
  }
}

/** Checks a batch's length before reading any of it. */
function checkCount(raw: unknown): unknown[] {
  if (!Array.isArray(raw) || raw.length === 0) throw malformed('"events" is not a non-empty array')
  if (raw.length > BATCH_EVENTS) throw tooLarge(`${raw.length} events, over ${BATCH_EVENTS}`)
  return raw
}

function isIdentityPart(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && value.length <= MAX_IDENTITY_LENGTH
}

/** A message refused for its size: no sender of this build posts one. */
export function tooLarge(why: string): BusError {
  return syncError('SYNC_TOO_LARGE', `Dropped a message on the bus channel (${why}); it reached no subscriber.`)
}

/** A message refused for its shape. */
export function malformed(why: string, cause?: unknown): BusError {
  return syncError('SYNC_MALFORMED_MESSAGE', `Dropped a malformed message on the bus channel (${why}); it reached no subscriber.`, cause)
}
