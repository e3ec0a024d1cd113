import { BusError } from '../core/index'
import { syncError } from './errors'

/** Default `maxEventBytes`: 1 MiB. */
export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024

/**
 * Own keys refused anywhere in event data, on send and on receipt: a receiver that deep-merges
 * event data into its state must never be led into `Object.prototype` (`__proto__`, or
 * `constructor.prototype`).
 */
export function isUnsafeKey(key: string): boolean {
  return key === '__proto__' || key === 'constructor' || key === 'prototype'
}

/**
 * Deepest nesting of objects and arrays an event may have. Browsers clone (and IndexedDB stores)
 * data recursively, and overflow their stack a few thousand levels down; real event data is a
 * handful of levels deep.
 */
export const MAX_DEPTH = 256

// Rough structured-clone sizes: enough to enforce a limit, not a byte-exact count.
const SLOT_BYTES = 8
const BLOB_BYTES = 64

const toTag = Object.prototype.toString
const dateTime = Date.prototype.getTime
const regExpSource = Object.getOwnPropertyDescriptor(RegExp.prototype, 'source')!.get!
const bufferBytes = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength')!.get!
const mapForEach = Map.prototype.forEach
const setForEach = Set.prototype.forEach

const ARRAY = 0
const OBJECT = 1
const MAP = 2
const SET = 3

/**
 * A container being walked: its slots `0..indices-1` are read by index, then its `keys` by name.
 * A Map's or Set's entries are copied into `values` first (a Map's as key, value, key, value...).
 */
interface Frame {
  readonly kind: typeof ARRAY | typeof OBJECT | typeof MAP | typeof SET
  readonly values: Record<string | number, unknown>
  readonly indices: number
  readonly keys: readonly string[]
  next: number
}

/**
 * Walks `value` once, iteratively (deep data can't overflow the stack; cycles and shared objects
 * are visited once, as structured clone keeps them), and returns an estimate of its cloned size
 * in bytes. It never walks past its budget: a container's slots are charged before any of them is
 * read, so an array of length 2^32-1 with no elements (which clones in a few bytes) is refused at
 * once, and paths are built only for the error. Throws `BusError` `INVALID`:
 * - `SYNC_NOT_CLONABLE` for what structured clone refuses or silently changes: functions, symbols,
 *   DOM nodes, class instances (their prototype and methods would not survive), WeakMaps, Promises;
 * - `SYNC_UNSAFE_KEY` for an own `__proto__`, `constructor` or `prototype` key;
 * - `SYNC_NOT_CLONABLE` too for data nested deeper than {@link MAX_DEPTH} levels;
 * - `SYNC_TOO_LARGE` as soon as the estimate passes `limit` (the message names `maxEventBytes`, of
 *   which `limit` is what the data may take).
 *
 * Allowed: primitives but symbols, plain objects (any realm, or `Object.create(null)`), arrays,
 * `Date`, `RegExp`, `Map`, `Set`, `ArrayBuffer`, typed arrays and `DataView`, `Blob`, `File`,
 * and the built-in `Error` types. Strings count one byte per UTF-16 code unit, array slots
 * (holes too) eight bytes each.
 */
export function measureClonable(value: unknown, limit: number, where = 'data', maxEventBytes = limit): number {
  const flat = measureFlat(value, limit)
  if (flat >= 0) return flat
  const walk = new Walk(limit, where, maxEventBytes)
  walk.visit(value, SLOT_BYTES)
  const frames = walk.frames
  while (frames.length > 0) {
    const frame = frames[frames.length - 1]!
    const at = frame.next++
    if (at < frame.indices) {
      // Array slots were charged when the array was opened.
      walk.visit(frame.values[at], frame.kind === ARRAY ? 0 : SLOT_BYTES)
    } else if (at < frame.indices + frame.keys.length) {
      walk.visit(frame.values[frame.keys[at - frame.indices]!], SLOT_BYTES)
    } else {
      frames.pop()
    }
  }
  return walk.bytes
}

/**
 * The size of the common small event's data, a primitive or a plain object of primitives, as the
 * walk would charge it, without the walk's frames and sets; `-1` for anything else, and for
 * anything the walk would refuse (an unsafe key, a function, a size over `limit`), so the walk
 * decides and words the error.
 */
function measureFlat(value: unknown, limit: number): number {
  let bytes = SLOT_BYTES
  switch (typeof value) {
    case 'string':
      bytes += value.length
      break
    case 'function':
    case 'symbol':
      return -1
    case 'object': {
      if (value === null) break
      if (Array.isArray(value)) return -1
      const proto: unknown = Object.getPrototypeOf(value)
      if (proto !== null && (Object.getPrototypeOf(proto) !== null || toTag.call(value) !== '[object Object]')) return -1
      const keys = Object.keys(value)
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!
        if (isUnsafeKey(key)) return -1
        const item = (value as Record<string, unknown>)[key]
        const type = typeof item
        if (type === 'string') bytes += (item as string).length
        else if (type === 'object' ? item !== null : type === 'function' || type === 'symbol') return -1
        bytes += key.length + 2 * SLOT_BYTES
      }
    }
  }
  return bytes > limit ? -1 : bytes
}

/** The state of one walk: what it charged, what it saw, the containers it is inside. */
class Walk {
  bytes = 0
  readonly frames: Frame[] = []
  // The first container opened, then (from the second) a Set: most data has one container.
  private first: object | undefined
  private seen: Set<object> | undefined

  constructor(
    private readonly limit: number,
    private readonly where: string,
    private readonly maxEventBytes: number,
  ) {}

  /** Charges one value (`slot`: what its slot costs, unless already charged) and opens it if it is a container. */
  visit(item: unknown, slot: number): void {
    switch (typeof item) {
      case 'string':
        this.charge(item.length + slot)
        return
      case 'function':
        throw this.notClonable('a function')
      case 'symbol':
        throw this.notClonable('a symbol')
      case 'object':
        this.charge(slot)
        if (item !== null) this.open(item)
        return
      default:
        this.charge(slot)
    }
  }

  charge(bytes: number): void {
    this.bytes += bytes
    if (this.bytes > this.limit) {
      throw syncError(
        'SYNC_TOO_LARGE',
        `The event is larger than maxEventBytes (${this.maxEventBytes} bytes; its data alone is over ${this.bytes} bytes, estimated, at ${this.path()}): send a reference (an id, a URL) instead of the content, or raise maxEventBytes.`,
      )
    }
  }

  /** Where the walk is, for an error: `data.items[3].name`. Built only when one is thrown. */
  path(): string {
    let path = this.where
    for (const frame of this.frames) {
      const at = frame.next - 1
      if (at < 0) continue
      if (frame.kind === MAP) path += at % 2 === 0 ? ' (a Map key)' : ' (a Map value)'
      else if (frame.kind === SET) path += ' (a Set entry)'
      else path += at < frame.indices ? `[${at}]` : `.${frame.keys[at - frame.indices]!}`
    }
    return path
  }

  notClonable(what: string): BusError {
    return syncError(
      'SYNC_NOT_CLONABLE',
      `The event's ${this.path()} is ${what}, which cannot be sent to other tabs, workers and iframes: send plain data (objects, arrays, strings, numbers, Date, Map, Set, binary), or create the bus with crossTab: false.`,
    )
  }

  private unsafeKey(key: string): BusError {
    return syncError('SYNC_UNSAFE_KEY', `The event's ${this.path()} has an own "${key}" key, which receivers refuse (it could pollute prototypes when merged): rename the key.`)
  }

  private open(item: object): void {
    if (this.first === undefined) this.first = item
    else if (item === this.first) return
    else if (this.seen === undefined) this.seen = new Set([item])
    else if (this.seen.has(item)) return
    else this.seen.add(item)
    if (Array.isArray(item)) return this.openArray(item)
    const proto: unknown = Object.getPrototypeOf(item)
    // A plain object's prototype is null or some realm's Object.prototype (whose own prototype is null).
    if (proto === null || Object.getPrototypeOf(proto) === null) {
      if (proto !== null && toTag.call(item) !== '[object Object]') throw this.notClonable(describeObject(item))
      const keys = Object.keys(item)
      this.checkKeys(keys, 0, keys.length)
      this.push({ kind: OBJECT, values: item as Record<string, unknown>, indices: 0, keys, next: 0 })
      return
    }
    this.openBuiltIn(item)
  }

  private openArray(item: unknown[]): void {
    // Every slot is charged before any is read, holes too: the budget, not the length, bounds the walk.
    this.charge(item.length * SLOT_BYTES)
    // Structured clone also copies an array's own non-index properties (`arr.note = ...`), so they
    // get the same checks as an object's. Own keys list indices first, so only the tail is kept.
    const keys = Object.keys(item)
    let first = keys.length
    while (first > 0 && !isArrayIndex(keys[first - 1]!, item.length)) first--
    this.checkKeys(keys, first, keys.length)
    this.push({ kind: ARRAY, values: item as unknown as Record<string | number, unknown>, indices: item.length, keys: first === 0 ? keys : keys.slice(first), next: 0 })
  }

  /** Charges object keys `from..to` and refuses an unsafe one. */
  private checkKeys(keys: readonly string[], from: number, to: number): void {
    for (let i = from; i < to; i++) {
      const key = keys[i]!
      if (isUnsafeKey(key)) throw this.unsafeKey(key)
      this.charge(key.length + SLOT_BYTES)
    }
  }

  private push(frame: Frame): void {
    if (this.frames.length >= MAX_DEPTH) throw this.notClonable(`nested more than ${MAX_DEPTH} levels deep`)
    this.frames.push(frame)
  }

  private openBuiltIn(item: object): void {
    // Each branch calls the intrinsic on the object, which throws for a look-alike (a class
    // with a spoofed Symbol.toStringTag), so only the real built-in passes.
    let bytes: number | undefined
    try {
      bytes = builtInBytes(item)
      if (bytes === undefined) return this.openCollection(item)
    } catch (error) {
      if (error instanceof BusError) throw error
    }
    if (bytes === undefined) throw this.notClonable(describeObject(item))
    this.charge(bytes)
  }

  /** A Map or a Set: its entries are charged, then copied out to be walked. */
  private openCollection(item: object): void {
    const values: unknown[] = []
    if (toTag.call(item) === '[object Map]') {
      this.charge((item as Map<unknown, unknown>).size * SLOT_BYTES)
      mapForEach.call(item, (entry: unknown, key: unknown) => values.push(key, entry))
      this.push({ kind: MAP, values: values as unknown as Record<number, unknown>, indices: values.length, keys: [], next: 0 })
    } else {
      this.charge((item as Set<unknown>).size * SLOT_BYTES)
      setForEach.call(item, (entry: unknown) => values.push(entry))
      this.push({ kind: SET, values: values as unknown as Record<number, unknown>, indices: values.length, keys: [], next: 0 })
    }
  }
}

/**
 * The size of a clonable built-in that holds no walked values; `undefined` for a Map or a Set
 * (walked as containers). Throws for what is not the built-in it claims to be.
 */
function builtInBytes(item: object): number | undefined {
  // A view clones its whole buffer, not just the part it sees.
  if (ArrayBuffer.isView(item)) return item.buffer.byteLength
  switch (toTag.call(item)) {
    case '[object Date]':
      dateTime.call(item)
      return SLOT_BYTES
    case '[object RegExp]':
      return (regExpSource.call(item) as string).length + SLOT_BYTES
    case '[object ArrayBuffer]':
      return bufferBytes.call(item) as number
    case '[object Map]':
      // The intrinsic's own size getter throws for a look-alike.
      mapSize.call(item)
      return undefined
    case '[object Set]':
      setSize.call(item)
      return undefined
    case '[object Blob]':
    case '[object File]':
      // A clone shares the blob's content instead of copying it: only the handle travels.
      return BLOB_BYTES
    case '[object Error]':
      if (isBuiltInError(item)) return String((item as Error).message).length + String((item as Error).stack ?? '').length
  }
  throw new TypeError('not a clonable built-in')
}

const mapSize = Object.getOwnPropertyDescriptor(Map.prototype, 'size')!.get!
const setSize = Object.getOwnPropertyDescriptor(Set.prototype, 'size')!.get!

function isArrayIndex(key: string, length: number): boolean {
  const index = Number(key)
  return Number.isInteger(index) && index >= 0 && index < length && String(index) === key
}

const ERROR_NAMES = new Set(['Error', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError'])

function isBuiltInError(item: object): boolean {
  const proto = Object.getPrototypeOf(item) as { constructor?: { name?: unknown } } | null
  const name = proto?.constructor?.name
  return typeof name === 'string' && ERROR_NAMES.has(name) && (globalThis as Record<string, unknown>)[name] === proto?.constructor
}

function describeObject(item: object): string {
  const name = (Object.getPrototypeOf(item) as { constructor?: { name?: unknown } } | null)?.constructor?.name
  return typeof name === 'string' && name !== '' ? `a ${name}` : 'an object that is not plain data'
}
