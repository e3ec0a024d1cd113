// Event data crosses from the page to the panel as JSON (a runtime port carries JSON), but a bus
// carries anything structured-clonable. What JSON cannot hold travels tagged and is rebuilt in the
// panel, so the detail shows a Date as a Date and a BigInt as a BigInt; what no panel can rebuild
// (a Blob, a cycle) arrives as text saying what it was.

const TAG = '\u0000crossbus'
// Deeper than any event a developer reads; a deeper one is cut with a note instead of a stack overflow.
const MAX_DEPTH = 200

type Tagged =
  | { [TAG]: 'undefined' }
  | { [TAG]: 'bigint'; v: string }
  | { [TAG]: 'number'; v: string }
  | { [TAG]: 'date'; v: number }
  | { [TAG]: 'map'; v: [unknown, unknown][] }
  | { [TAG]: 'set'; v: unknown[] }
  | { [TAG]: 'bytes'; type: string; v: number[] }
  | { [TAG]: 'text'; v: string }

/** A JSON-safe copy of `value`; `decodeValue` gives it back. */
export function encodeValue(value: unknown): unknown {
  return encode(value, new Set(), 0)
}

function encode(value: unknown, seen: Set<object>, depth: number): unknown {
  switch (typeof value) {
    case 'undefined':
      return { [TAG]: 'undefined' }
    case 'bigint':
      return { [TAG]: 'bigint', v: value.toString() }
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0) ? value : { [TAG]: 'number', v: String(value) }
    case 'string':
    case 'boolean':
      return value
    case 'object':
      break
    default:
      return text(`[${typeof value}]`)
  }
  if (value === null) return null
  if (seen.has(value)) return text('[cycle]')
  if (depth >= MAX_DEPTH) return text('[nested too deep to show]')
  seen.add(value)
  try {
    const inner = (item: unknown) => encode(item, seen, depth + 1)
    const prototype = Object.getPrototypeOf(value)
    // Plain objects and arrays first: nearly all event data is made of them.
    if (prototype === Object.prototype || prototype === null) {
      const out: Record<string, unknown> = {}
      for (const key in value) if (Object.hasOwn(value, key)) out[key] = inner((value as Record<string, unknown>)[key])
      return out
    }
    if (Array.isArray(value)) return Array.from(value, inner)
    if (value instanceof Date) return { [TAG]: 'date', v: value.getTime() }
    if (value instanceof Map) return { [TAG]: 'map', v: [...value].map(([k, v]) => [inner(k), inner(v)]) }
    if (value instanceof Set) return { [TAG]: 'set', v: [...value].map(inner) }
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return { [TAG]: 'bytes', type: value.constructor.name, v: Array.from(value as unknown as ArrayLike<number>, Number) }
    if (value instanceof ArrayBuffer) return { [TAG]: 'bytes', type: 'ArrayBuffer', v: Array.from(new Uint8Array(value)) }
    if (value instanceof Error) return text(`${value.name}: ${value.message}`)
    return text(`[${(value as object).constructor?.name ?? 'object'}]`)
  } finally {
    seen.delete(value)
  }
}

function text(v: string): Tagged {
  return { [TAG]: 'text', v }
}

/** Rebuilds what `encodeValue` made. Anything else (it came from a page: data, never trusted) is kept as plain JSON. */
export function decodeValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeValue)
  if (typeof value !== 'object' || value === null) return value
  const tagged = value as Partial<Record<typeof TAG, unknown>> & { v?: unknown; type?: unknown }
  switch (tagged[TAG]) {
    case 'undefined':
      return undefined
    case 'bigint':
      return typeof tagged.v === 'string' && /^-?\d{1,10000}$/.test(tagged.v) ? BigInt(tagged.v) : String(tagged.v)
    case 'number':
      return Number(tagged.v)
    case 'date':
      return new Date(Number(tagged.v))
    case 'map':
      return new Map(Array.isArray(tagged.v) ? tagged.v.map((pair) => (Array.isArray(pair) ? [decodeValue(pair[0]), decodeValue(pair[1])] : [pair, undefined])) : [])
    case 'set':
      return new Set(Array.isArray(tagged.v) ? tagged.v.map(decodeValue) : [])
    case 'bytes':
      return bytesOf(String(tagged.type), Array.isArray(tagged.v) ? tagged.v : [])
    case 'text':
      return String(tagged.v)
    default: {
      const out: Record<string, unknown> = {}
      for (const key of Object.keys(value)) out[key] = decodeValue((value as Record<string, unknown>)[key])
      return out
    }
  }
}

const TYPED_ARRAYS: Record<string, (values: number[]) => unknown> = {
  Uint8Array: (v) => Uint8Array.from(v),
  Int8Array: (v) => Int8Array.from(v),
  Uint8ClampedArray: (v) => Uint8ClampedArray.from(v),
  Uint16Array: (v) => Uint16Array.from(v),
  Int16Array: (v) => Int16Array.from(v),
  Uint32Array: (v) => Uint32Array.from(v),
  Int32Array: (v) => Int32Array.from(v),
  Float32Array: (v) => Float32Array.from(v),
  Float64Array: (v) => Float64Array.from(v),
  ArrayBuffer: (v) => Uint8Array.from(v).buffer,
}

function bytesOf(type: string, values: unknown[]): unknown {
  const numbers = values.map(Number)
  return Object.hasOwn(TYPED_ARRAYS, type) ? TYPED_ARRAYS[type]!(numbers) : numbers
}
