import { BusError, busError } from '../core/index'

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

/**
 * Walks `value` once, iteratively (deep data can't overflow the stack; cycles and shared objects
 * are visited once, as structured clone keeps them), and returns an estimate of its cloned size
 * in bytes. Throws `BusError` `INVALID`:
 * - `NOT_CLONABLE` for what structured clone refuses or silently changes: functions, symbols,
 *   DOM nodes, class instances (their prototype and methods would not survive), WeakMaps, Promises;
 * - `UNSAFE_KEY` for an own `__proto__`, `constructor` or `prototype` key;
 * - `NOT_CLONABLE` too for data nested deeper than {@link MAX_DEPTH} levels;
 * - `TOO_LARGE` as soon as the estimate passes `limit` (the message names `maxEventBytes`, of
 *   which `limit` is what the data may take).
 *
 * Allowed: primitives but symbols, plain objects (any realm, or `Object.create(null)`), arrays,
 * `Date`, `RegExp`, `Map`, `Set`, `ArrayBuffer`, typed arrays and `DataView`, `Blob`, `File`,
 * and the built-in `Error` types. Strings count one byte per UTF-16 code unit.
 */
export function measureClonable(value: unknown, limit: number, where = 'data', maxEventBytes = limit): number {
  let bytes = 0
  let seen: Set<object> | undefined
  const stack: unknown[] = [value]
  const paths: string[] = [where]
  const depths: number[] = [0]
  while (stack.length > 0) {
    const item = stack.pop()
    const path = paths.pop()!
    const depth = depths.pop()!
    switch (typeof item) {
      case 'string':
        bytes += item.length + SLOT_BYTES
        break
      case 'number':
      case 'boolean':
      case 'undefined':
      case 'bigint':
        bytes += SLOT_BYTES
        break
      case 'function':
        throw notClonable(path, 'a function')
      case 'symbol':
        throw notClonable(path, 'a symbol')
      case 'object': {
        bytes += SLOT_BYTES
        if (item === null) break
        if (seen === undefined) seen = new Set()
        else if (seen.has(item)) break
        seen.add(item)
        if (depth >= MAX_DEPTH) throw notClonable(path, `nested more than ${MAX_DEPTH} levels deep`)
        const pushed = stack.length
        bytes += measureObject(item, path, stack, paths)
        for (let i = pushed; i < stack.length; i++) depths.push(depth + 1)
        break
      }
    }
    if (bytes > limit) {
      throw busError('TOO_LARGE', `The event is larger than maxEventBytes (${maxEventBytes} bytes; its data alone is over ${bytes} bytes, estimated): send a reference (an id, a URL) instead of the content, or raise maxEventBytes.`)
    }
  }
  return bytes
}

/** Sizes one object and pushes its children; throws for what may not cross a context. */
function measureObject(item: object, path: string, stack: unknown[], paths: string[]): number {
  if (Array.isArray(item)) {
    for (let i = item.length - 1; i >= 0; i--) {
      stack.push(item[i])
      paths.push(`${path}[${i}]`)
    }
    return measureArrayProperties(item, path, stack, paths)
  }
  const proto: unknown = Object.getPrototypeOf(item)
  // A plain object's prototype is null or some realm's Object.prototype (whose own prototype is null).
  if (proto === null || Object.getPrototypeOf(proto) === null) {
    if (proto !== null && toTag.call(item) !== '[object Object]') throw notClonable(path, describeObject(item))
    let bytes = 0
    for (const key of Object.keys(item)) {
      if (isUnsafeKey(key)) throw unsafeKey(path, key)
      bytes += key.length + SLOT_BYTES
      stack.push((item as Record<string, unknown>)[key])
      paths.push(`${path}.${key}`)
    }
    return bytes
  }
  return measureBuiltIn(item, path, stack, paths)
}

/**
 * Structured clone also copies an array's own non-index properties (`arr.note = ...`), so they
 * get the same checks as an object's. Own keys list indices first, so only the tail is read.
 */
function measureArrayProperties(item: unknown[], path: string, stack: unknown[], paths: string[]): number {
  const keys = Object.keys(item)
  let bytes = 0
  for (let i = keys.length - 1; i >= 0 && !isArrayIndex(keys[i]!, item.length); i--) {
    const key = keys[i]!
    if (isUnsafeKey(key)) throw unsafeKey(path, key)
    bytes += key.length + SLOT_BYTES
    stack.push((item as unknown as Record<string, unknown>)[key])
    paths.push(`${path}.${key}`)
  }
  return bytes
}

function isArrayIndex(key: string, length: number): boolean {
  const index = Number(key)
  return Number.isInteger(index) && index >= 0 && index < length && String(index) === key
}

function measureBuiltIn(item: object, path: string, stack: unknown[], paths: string[]): number {
  // Each branch calls the intrinsic on the object, which throws for a look-alike (a class
  // with a spoofed Symbol.toStringTag), so only the real built-in passes.
  try {
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
      case '[object Map]': {
        let bytes = 0
        mapForEach.call(item, (entry: unknown, key: unknown) => {
          stack.push(key, entry)
          paths.push(`${path} (a Map key)`, `${path} (a Map value)`)
          bytes += SLOT_BYTES
        })
        return bytes
      }
      case '[object Set]': {
        let bytes = 0
        setForEach.call(item, (entry: unknown) => {
          stack.push(entry)
          paths.push(`${path} (a Set entry)`)
          bytes += SLOT_BYTES
        })
        return bytes
      }
      case '[object Blob]':
      case '[object File]':
        // A clone shares the blob's content instead of copying it: only the handle travels.
        return BLOB_BYTES
      case '[object Error]':
        if (isBuiltInError(item)) return String((item as Error).message).length + String((item as Error).stack ?? '').length
    }
  } catch {
    // A look-alike: fall through to the refusal.
  }
  return notClonableObject(item, path)
}

const ERROR_NAMES = new Set(['Error', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError'])

function isBuiltInError(item: object): boolean {
  const proto = Object.getPrototypeOf(item) as { constructor?: { name?: unknown } } | null
  const name = proto?.constructor?.name
  return typeof name === 'string' && ERROR_NAMES.has(name) && (globalThis as Record<string, unknown>)[name] === proto?.constructor
}

function notClonableObject(item: object, path: string): never {
  throw notClonable(path, describeObject(item))
}

function describeObject(item: object): string {
  const name = (Object.getPrototypeOf(item) as { constructor?: { name?: unknown } } | null)?.constructor?.name
  return typeof name === 'string' && name !== '' ? `a ${name}` : 'an object that is not plain data'
}

function notClonable(path: string, what: string): BusError {
  return busError(
    'NOT_CLONABLE',
    `The event's ${path} is ${what}, which cannot be sent to other tabs, workers and iframes: send plain data (objects, arrays, strings, numbers, Date, Map, Set, binary), or create the bus with crossTab: false.`,
  )
}

function unsafeKey(path: string, key: string): BusError {
  return busError('UNSAFE_KEY', `The event's ${path} has an own "${key}" key, which receivers refuse (it could pollute prototypes when merged): rename the key.`)
}
