import type { BusEvent } from '../src/core/index'

// Values looked at per estimate, at most: a small event is walked whole, a large one is sampled.
const MAX_VISITS = 1000
// What an event costs beyond its data: the object, its numbers, the ring's slots.
const EVENT_OVERHEAD = 96
// Worth counting for a value that cannot be looked at (a revoked proxy, a getter that throws).
const UNKNOWN = 16
// Past this depth the walk notes the containers it entered, so a cycle (or a huge object reached
// many ways) is walked once; above it, plain data pays for no set.
const TRACK_FROM_DEPTH = 16
const MAX_DEPTH = 256
// A container looks at no more entries than leaves each of them this much of its share: fewer
// entries looked at more closely (an object's keys, not just the object) tell more of the whole.
const MIN_SHARE = 4

/**
 * About how many bytes an event holds: its strings and its data, roughly as long as their JSON.
 * Cheap, because the ring asks on every send: it looks at no more than a thousand values. Each
 * container shares what is left of that among its entries, so one large entry (a long array, say)
 * cannot use it all and hide its siblings (a long string beside it); a container with more entries
 * than its share is sampled evenly, first and last included, and scaled to its size. Strings,
 * buffers and typed arrays are measured at once, whatever their length.
 * Never throws and always ends (cycles, getters that throw, revoked proxies).
 */
export function estimateEventBytes(event: BusEvent): number {
  const { id, system, kind, path, origin } = event
  return EVENT_OVERHEAD + textBytes(id) + textBytes(system) + textBytes(kind) + textBytes(path) + textBytes(origin) + estimateBytes(event.data)
}

/** About how many bytes `value` holds, roughly the length of its JSON; see {@link estimateEventBytes}. */
export function estimateBytes(value: unknown): number {
  try {
    return walk(value, MAX_VISITS, 0, undefined)
  } catch {
    // A getter threw, a proxy was revoked: count what could not be looked at as a little.
    return UNKNOWN
  }
}

function textBytes(value: unknown): number {
  return typeof value === 'string' ? value.length : UNKNOWN
}

/** `budget` (at least 1): how many values below this one the walk may still look at. */
function walk(value: unknown, budget: number, depth: number, entered: Set<object> | undefined): number {
  if (typeof value === 'string') return value.length + 2
  if (typeof value !== 'object') return value === undefined ? 0 : 8
  if (value === null) return 4
  if (depth >= MAX_DEPTH) return UNKNOWN
  if (depth >= TRACK_FROM_DEPTH) {
    entered ??= new Set()
    if (entered.has(value)) return UNKNOWN
    entered.add(value)
  }
  const below = depth + 1
  // Plain objects first: most event data is one.
  if (Object.getPrototypeOf(value) === Object.prototype) return walkObject(value, budget, below, entered)
  if (Array.isArray(value)) return walkArray(value, budget, below, entered)
  if (ArrayBuffer.isView(value)) return value.byteLength
  if (value instanceof ArrayBuffer) return value.byteLength
  if (value instanceof Map) return walkEntries(value.size, value.entries(), budget, below, entered)
  if (value instanceof Set) return walkEntries(value.size, value.values(), budget, below, entered)
  if (value instanceof Date) return 26
  return walkObject(value, budget, below, entered)
}

// Its own enumerable keys and their values, as JSON would read them (a getter runs, as it does
// when sync clones the event). Object.keys is V8's fast path for exactly these keys.
function walkObject(value: object, budget: number, depth: number, entered: Set<object> | undefined): number {
  const keys = Object.keys(value)
  const record = value as Record<string, unknown>
  return 2 + sampled(keys.length, budget, (i, share) => {
    const key = keys[i]!
    return key.length + 4 + walk(record[key], share, depth, entered)
  })
}

function walkArray(value: readonly unknown[], budget: number, depth: number, entered: Set<object> | undefined): number {
  // A hole reads as undefined, which JSON writes as null: count it as the comma it costs.
  return 2 + sampled(value.length, budget, (i, share) => walk(value[i], share, depth, entered) + 1)
}

// Maps and sets cannot be read at an index: their first entries stand for the rest.
function walkEntries(count: number, entries: Iterator<unknown>, budget: number, depth: number, entered: Set<object> | undefined): number {
  const looked = lookAt(count, budget)
  const share = Math.max(1, Math.floor(budget / Math.max(1, looked)))
  let bytes = 2
  let seen = 0
  while (seen < looked) {
    const next = entries.next()
    if (next.done) break
    bytes += walk(next.value, share, depth, entered) + 1
    seen++
  }
  return seen >= count ? bytes : Math.max((bytes * count) / Math.max(1, seen), count * UNKNOWN)
}

/**
 * The bytes of `count` entries, each measured by `measure(i, share)`: every entry when the budget
 * allows one look each, else an even sample (the first and the last included) scaled to all of them.
 */
function sampled(count: number, budget: number, measure: (index: number, share: number) => number): number {
  if (count === 0) return 0
  const looked = lookAt(count, budget)
  const share = Math.max(1, Math.floor(budget / looked))
  if (looked === count) {
    let bytes = 0
    for (let i = 0; i < count; i++) bytes += measure(i, share)
    return bytes
  }
  let bytes = 0
  const step = looked === 1 ? 0 : (count - 1) / (looked - 1)
  for (let j = 0; j < looked; j++) bytes += measure(looked === 1 ? count - 1 : Math.round(j * step), share)
  return Math.max((bytes * count) / looked, count * UNKNOWN)
}

/** How many of `count` entries a container with `budget` looks at. */
function lookAt(count: number, budget: number): number {
  return Math.min(count, Math.max(1, Math.floor(budget / MIN_SHARE)), budget)
}
