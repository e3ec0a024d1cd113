import { BusError, checkInjected, isRecord, type BusEvent } from '../../core/index'
import { frameError } from './errors'

// The wire protocol between a host page and a frame. Two kinds of messages:
// - on the window (`postMessage` with an exact target origin): the handshake only. `hello` from
//   the frame, `ping` from the host (answer with a `hello`), and `connect` from the host, which
//   carries the private MessagePort;
// - on that port: everything else, private to the pair.

/** The tag of every window message of this protocol: other libraries' messages are left alone. */
export const PROTOCOL_TAG = 'crossbus/frames'

/** The version this build writes and reads; another is refused, not guessed at. */
export const PROTOCOL_VERSION = 1

/** The most events one port message carries: senders split longer bursts, receivers refuse them. */
export const MAX_BATCH_EVENTS = 1000

// Deepest nesting of event data read (browsers overflow their stack a few thousand levels down).
const MAX_DATA_DEPTH = 256

/** A frame document's id, so a repeated `hello` of one document is one connection. */
const DOC_ID = /^[0-9a-z]{8,64}$/

/** A handshake message on the window. */
export type WindowMessage =
  /** Frame to host: this document is ready for a port. */
  | { readonly crossbus: typeof PROTOCOL_TAG; readonly v: 1; readonly type: 'hello'; readonly doc: string }
  /** Host to frame: a host is listening now (say `hello`). */
  | { readonly crossbus: typeof PROTOCOL_TAG; readonly v: 1; readonly type: 'ping' }
  /** Host to frame: the port for the document `doc`, transferred with this message. */
  | { readonly crossbus: typeof PROTOCOL_TAG; readonly v: 1; readonly type: 'connect'; readonly doc: string }

/** One event on the port, identity and all: `[id, origin, seq, system, kind, path, time, data]`. */
export type WireEvent = readonly [id: string, origin: string, seq: number, system: string, kind: string, path: string, time: number, data: unknown]

/** Why a side says goodbye. */
export type ByeReason = 'closed' | 'unloaded' | 'flooded'

/** A message on the private port. */
export type PortMessage =
  /** Frame to host, first on a new port: the frame holds it. */
  | { readonly v: 1; readonly type: 'ready' }
  /** Events, in the order they reached the sending bus. */
  | { readonly v: 1; readonly type: 'events'; readonly events: readonly WireEvent[] }
  /** Host to frame: how many events of the last message the host refused, and why. */
  | { readonly v: 1; readonly type: 'refused'; readonly count: number; readonly message: string }
  /** This side is going: the other stops sending. */
  | { readonly v: 1; readonly type: 'bye'; readonly reason: ByeReason }

/** A checked port message: its events are fresh, checked events. */
export type IncomingPortMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'events'; readonly events: readonly BusEvent[] }
  | { readonly type: 'refused'; readonly count: number; readonly message: string }
  | { readonly type: 'bye'; readonly reason: ByeReason }

const BYE_REASONS: ReadonlySet<string> = new Set<ByeReason>(['closed', 'unloaded', 'flooded'])

/**
 * Reads a window message: `foreign` for one that is not of this protocol (no tag: another
 * library's, left alone and not counted), `malformed` for a tagged one of no known shape, else the
 * message. Where it came from is the caller's check (`event.source` and `event.origin`).
 *
 * @example
 * const message = readWindowMessage(event.data)
 * if (message === 'malformed') forged++
 */
export function readWindowMessage(raw: unknown): WindowMessage | 'foreign' | 'malformed' {
  if (!isRecord(raw) || raw.crossbus !== PROTOCOL_TAG) return 'foreign'
  if (raw.v !== PROTOCOL_VERSION) return 'malformed'
  switch (raw.type) {
    case 'ping':
      return { crossbus: PROTOCOL_TAG, v: 1, type: 'ping' }
    case 'hello':
    case 'connect':
      return typeof raw.doc === 'string' && DOC_ID.test(raw.doc) ? { crossbus: PROTOCOL_TAG, v: 1, type: raw.type, doc: raw.doc } : 'malformed'
    default:
      return 'malformed'
  }
}

/**
 * Reads a message from the private port into fresh objects, each event checked as an injected
 * event is (names, path, time, identity) and its data free of `__proto__`, `constructor` and
 * `prototype` keys; returns a `BusError` (`FRAME_MALFORMED_MESSAGE`) for anything else. A message
 * is refused whole: the sender of this build never posts a bad one.
 *
 * @example
 * const message = readPortMessage(event.data)
 * if (message instanceof BusError) host.drop(message)
 */
export function readPortMessage(raw: unknown): IncomingPortMessage | BusError {
  if (!isRecord(raw)) return malformed('not an object')
  if (raw.v !== PROTOCOL_VERSION) return malformed(`no version ${PROTOCOL_VERSION} "v"; load the same crossbus version in the host and the frame`)
  switch (raw.type) {
    case 'events':
      return readEvents(raw.events)
    case 'ready':
      return { type: 'ready' }
    case 'refused': {
      const { count, message } = raw
      if (!Number.isSafeInteger(count) || (count as number) < 1 || typeof message !== 'string') return malformed('a "refused" without a count and a message')
      return { type: 'refused', count: count as number, message: message.slice(0, 1000) }
    }
    case 'bye':
      return typeof raw.reason === 'string' && BYE_REASONS.has(raw.reason) ? { type: 'bye', reason: raw.reason as ByeReason } : malformed('a "bye" without a known reason')
    default:
      return malformed('no known "type"')
  }
}

function readEvents(raw: unknown): IncomingPortMessage | BusError {
  if (!Array.isArray(raw) || raw.length === 0) return malformed('"events" is not a non-empty array')
  if (raw.length > MAX_BATCH_EVENTS) return malformed(`${raw.length} events in one message, over ${MAX_BATCH_EVENTS}`)
  const events: BusEvent[] = new Array(raw.length)
  for (let i = 0; i < raw.length; i++) {
    const wire: unknown = raw[i]
    if (!Array.isArray(wire) || wire.length !== 8) return malformed(`event ${i} is not an [id, origin, seq, system, kind, path, time, data] tuple`)
    const [id, origin, seq, system, kind, path, time, data] = wire as unknown[]
    try {
      events[i] = checkInjected({ id, origin, seq, system, kind, path, time, data })
    } catch (error) {
      if (error instanceof BusError) return malformed(`event ${i}: ${error.message}`, error)
      throw error
    }
    const unsafe = unsafeKeyIn(data)
    if (unsafe !== undefined) return malformed(`event ${i} has data with an own "${unsafe}" key`)
  }
  return { type: 'events', events }
}

/** Packs an event for the port. */
export function toWire(event: BusEvent): WireEvent {
  return [event.id, event.origin, event.seq, event.system, event.kind, event.path, event.time, event.data]
}

/** Whether a key could lead a deep merge into a prototype. */
function isUnsafeKey(key: string): boolean {
  return key === '__proto__' || key === 'constructor' || key === 'prototype'
}

/**
 * The first own `__proto__`, `constructor` or `prototype` key anywhere in `data` (a structured
 * clone: plain objects, arrays, Maps, Sets), or `undefined`. Why: a host that deep-merges a
 * frame's event data must never be led into `Object.prototype`. Walks iteratively and visits each
 * container once; data nested past 256 levels is refused as `depth`.
 */
export function unsafeKeyIn(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined
  const seen = new Set<object>()
  const stack: Array<[value: object, depth: number]> = [[data, 0]]
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!
    if (seen.has(value)) continue
    seen.add(value)
    if (depth > MAX_DATA_DEPTH) return 'depth'
    const children: unknown[] = []
    if (value instanceof Map) value.forEach((v, k) => children.push(k, v))
    else if (value instanceof Set) value.forEach((v) => children.push(v))
    else if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Date || value instanceof RegExp) continue
    else {
      for (const key of Object.keys(value)) {
        if (isUnsafeKey(key)) return key
        children.push((value as Record<string, unknown>)[key])
      }
    }
    for (const child of children) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1])
  }
  return undefined
}

function malformed(why: string, cause?: unknown): BusError {
  return frameError('FRAME_MALFORMED_MESSAGE', `Dropped a message from the other side of a frame bridge (${why}); it reached no subscriber.`, cause)
}
