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
const SLOT = 8
const BLOB_BYTES = 64

const toTag = Object.prototype.toString
const getProto = Object.getPrototypeOf
const getter = (proto: object, key: string) => Object.getOwnPropertyDescriptor(proto, key)!.get!
const regExpSource = getter(RegExp.prototype, 'source')
const bufferBytes = getter(ArrayBuffer.prototype, 'byteLength')
const mapSize = getter(Map.prototype, 'size')
const setSize = getter(Set.prototype, 'size')
const dateTime = Date.prototype.getTime
const mapForEach = Map.prototype.forEach
const setForEach = Set.prototype.forEach
const MAP = '[object Map]'
const SET = '[object Set]'
const ERROR_NAMES = ['Error', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError']

/**
 * Why the walk stopped. Thrown up through the containers it is inside, each adding where in it
 * the walk was, so the path is built only for an error and a walk pays nothing per value for it.
 */
class Refusal {
  path = ''
  constructor(
    readonly code: 'SYNC_NOT_CLONABLE' | 'SYNC_TOO_LARGE' | 'SYNC_UNSAFE_KEY',
    readonly what: string,
  ) {}
}

/**
 * Walks `value` once (cycles and shared objects are visited once, as structured clone keeps them)
 * and returns an estimate of its cloned size in bytes. It never walks past its budget: a
 * container's slots are charged before any of them is read, so an array of length 2^32-1 with no
 * elements (which clones in a few bytes) is refused at once. Throws `BusError` `INVALID`:
 * - `SYNC_NOT_CLONABLE` for what structured clone refuses or silently changes: functions, symbols,
 *   DOM nodes, class instances (their prototype and methods would not survive), WeakMaps, Promises;
 * - `SYNC_UNSAFE_KEY` for an own `__proto__`, `constructor` or `prototype` key;
 * - `SYNC_NOT_CLONABLE` too for data nested deeper than {@link MAX_DEPTH} levels (so the walk's
 *   own recursion stays a few hundred frames deep);
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
  let bytes = 0
  let seen: Set<object> | undefined

  const charge = (more: number) => {
    if ((bytes += more) > limit) throw new Refusal('SYNC_TOO_LARGE', '')
  }

  /** Charges object keys and refuses an unsafe one. */
  const chargeKeys = (keys: string[]) => {
    for (const key of keys) {
      if (isUnsafeKey(key)) throw new Refusal('SYNC_UNSAFE_KEY', key)
      charge(key.length + SLOT)
    }
  }

  /** Charges one value (`slot`: what its slot costs, unless already charged) and walks into a container. */
  const visit = (item: unknown, slot: number, depth: number): void => {
    const type = typeof item
    if (type === 'function' || type === 'symbol') throw new Refusal('SYNC_NOT_CLONABLE', `a ${type}`)
    charge(slot + (type === 'string' ? (item as string).length : 0))
    if (type !== 'object' || item === null) return
    const object = item as Record<string | number, unknown>
    if (seen?.has(object)) return
    ;(seen ??= new Set()).add(object)
    // Where in this container the walk is, for the path: an index (of a Map's or Set's entries too) or a key.
    let at: number | string = ''
    try {
      const proto: unknown = getProto(object)
      let keys: string[]
      if (Array.isArray(object)) {
        const inner = deeper(depth)
        // Every slot is charged before any is read, holes too: the budget, not the length, bounds the walk.
        charge(object.length * SLOT)
        // Structured clone also copies an array's own non-index properties (`arr.note = ...`), so
        // they get an object's checks. Own keys list indices first, so only the tail is kept.
        keys = Object.keys(object)
        let first = keys.length
        while (first > 0 && !isArrayIndex(keys[first - 1]!, object.length)) first--
        keys = keys.slice(first)
        chargeKeys(keys)
        for (at = 0; at < object.length; at++) visit(object[at], 0, inner)
        for (at of keys) visit(object[at], SLOT, inner)
      } else if (proto === null || getProto(proto) === null) {
        // A plain object's prototype is null or some realm's Object.prototype (whose own prototype is null).
        if (proto !== null && toTag.call(object) !== '[object Object]') throw new Refusal('SYNC_NOT_CLONABLE', describe(object))
        const inner = deeper(depth)
        keys = Object.keys(object)
        chargeKeys(keys)
        for (at of keys) visit(object[at], SLOT, inner)
      } else {
        const tag = toTag.call(object)
        // A Map's or Set's entries are charged by its size before they are copied out.
        charge(builtInBytes(object, tag))
        if (tag !== MAP && tag !== SET) return
        const inner = deeper(depth)
        const entries: unknown[] = []
        if (tag === MAP) mapForEach.call(object, (value: unknown, key: unknown) => entries.push(key, value))
        else setForEach.call(object, (value: unknown) => entries.push(value))
        for (at = 0; at < entries.length; at++) visit(entries[at], SLOT, inner)
      }
    } catch (error) {
      if (error instanceof Refusal) error.path = segment(object, at) + error.path
      throw error
    }
  }

  try {
    visit(value, SLOT, 0)
    return bytes
  } catch (error) {
    if (!(error instanceof Refusal)) throw error
    const path = where + error.path
    throw syncError(
      error.code,
      error.code === 'SYNC_TOO_LARGE'
        ? `The event is larger than maxEventBytes (${maxEventBytes} bytes; its data alone is over ${bytes} bytes, estimated, at ${path}): send a reference (an id, a URL) instead of the content, or raise maxEventBytes.`
        : error.code === 'SYNC_UNSAFE_KEY'
          ? `The event's ${path} has an own "${error.what}" key, which receivers refuse (it could pollute prototypes when merged): rename the key.`
          : `The event's ${path} is ${error.what}, which cannot be sent to other tabs, workers and iframes: send plain data (objects, arrays, strings, numbers, Date, Map, Set, binary), or create the bus with crossTab: false.`,
    )
  }
}

/**
 * The size of the common small event's data, a primitive or a plain object of primitives, as the
 * walk would charge it, without the walk's closures and set; `-1` for anything else, and for
 * anything the walk would refuse (an unsafe key, a function, a size over `limit`), so the walk
 * decides and words the error.
 */
function measureFlat(value: unknown, limit: number): number {
  let bytes = SLOT
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
      const proto: unknown = getProto(value)
      if (proto !== null && (getProto(proto) !== null || toTag.call(value) !== '[object Object]')) return -1
      const keys = Object.keys(value)
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!
        if (isUnsafeKey(key)) return -1
        const item = (value as Record<string, unknown>)[key]
        const type = typeof item
        if (type === 'string') bytes += (item as string).length
        else if (type === 'object' ? item !== null : type === 'function' || type === 'symbol') return -1
        bytes += key.length + 2 * SLOT
      }
    }
  }
  return bytes > limit ? -1 : bytes
}

/**
 * What a clonable built-in that is not a plain container costs (a Map or a Set: its slots). Each
 * case calls the intrinsic on the object, which throws for a look-alike (a class with a spoofed
 * `Symbol.toStringTag`), so only the real built-in passes.
 */
function builtInBytes(item: object, tag: string): number {
  try {
    // A view clones its whole buffer, not just the part it sees.
    if (ArrayBuffer.isView(item)) return item.buffer.byteLength
    switch (tag) {
      case '[object Date]':
        dateTime.call(item)
        return SLOT
      case '[object RegExp]':
        return (regExpSource.call(item) as string).length + SLOT
      case '[object ArrayBuffer]':
        return bufferBytes.call(item) as number
      case MAP:
        return (mapSize.call(item) as number) * SLOT
      case SET:
        return (setSize.call(item) as number) * SLOT
      case '[object Blob]':
      case '[object File]':
        // A clone shares the blob's content instead of copying it: only the handle travels.
        return BLOB_BYTES
      case '[object Error]': {
        const name = constructorName(item)
        // Only the built-in constructors of this realm: a subclass would not survive the clone.
        if (ERROR_NAMES.includes(name!) && (globalThis as Record<string, unknown>)[name!] === getProto(item).constructor) {
          return String((item as Error).message).length + String((item as Error).stack ?? '').length
        }
      }
    }
  } catch {
    // A look-alike's intrinsic threw: refused below.
  }
  throw new Refusal('SYNC_NOT_CLONABLE', describe(item))
}

/** The depth inside a container opened at `depth`; refuses one nested too deep. */
function deeper(depth: number): number {
  if (depth >= MAX_DEPTH) throw new Refusal('SYNC_NOT_CLONABLE', `nested more than ${MAX_DEPTH} levels deep`)
  return depth + 1
}

/** Where in `container` the walk was at `at`, as a path segment: `[3]`, `.name`, ` (a Map key)`. */
function segment(container: object, at: number | string): string {
  if (typeof at === 'string') return at === '' ? '' : `.${at}`
  if (Array.isArray(container)) return `[${at}]`
  return toTag.call(container) === SET ? ' (a Set entry)' : at % 2 === 0 ? ' (a Map key)' : ' (a Map value)'
}

function isArrayIndex(key: string, length: number): boolean {
  const index = Number(key)
  return Number.isInteger(index) && index >= 0 && index < length && String(index) === key
}

function constructorName(item: object): string | undefined {
  const name: unknown = (getProto(item) as { constructor?: { name?: unknown } } | null)?.constructor?.name
  return typeof name === 'string' && name !== '' ? name : undefined
}

function describe(item: object): string {
  const name = constructorName(item)
  return name ? `a ${name}` : 'an object that is not plain data'
}
