import type { BusEvent } from '../src/core/index'

// Values looked at per estimate, at most: a small event is walked whole, a large one is sampled.
const MAX_VISITS = 1000
// What an event costs beyond its data: the object, its numbers, the ring's slots.
const EVENT_OVERHEAD = 96
// Worth counting for a value that cannot be looked at (a revoked proxy, a getter that throws).
const UNKNOWN = 16

// The visits left to the estimate under way. One module variable rather than an object passed
// down: this runs inside every send, and allocates nothing for plain data.
let visitsLeft = 0

/**
 * About how many bytes an event holds: its strings and its data, roughly as long as their JSON.
 * Cheap, because the ring asks on every send: it looks at no more than a thousand values, and an
 * array, object, map or set larger than what is left of that is sampled and scaled to its size.
 * Never throws and always ends (cycles, getters that throw, revoked proxies).
 */
export function estimateEventBytes(event: BusEvent): number {
  const { id, system, kind, path, origin } = event
  return EVENT_OVERHEAD + textBytes(id) + textBytes(system) + textBytes(kind) + textBytes(path) + textBytes(origin) + estimateBytes(event.data)
}

/** About how many bytes `value` holds, roughly the length of its JSON; see {@link estimateEventBytes}. */
export function estimateBytes(value: unknown): number {
  visitsLeft = MAX_VISITS
  try {
    return walk(value)
  } catch {
    // A getter threw, a proxy was revoked: count what could not be looked at as a little.
    return UNKNOWN
  }
}

function textBytes(value: unknown): number {
  return typeof value === 'string' ? value.length : UNKNOWN
}

function walk(value: unknown): number {
  visitsLeft--
  if (typeof value === 'string') return value.length + 2
  if (typeof value !== 'object') return value === undefined ? 0 : 8
  if (value === null) return 4
  // Plain objects first: most event data is one.
  if (Object.getPrototypeOf(value) === Object.prototype) return walkObject(value)
  if (Array.isArray(value)) return walkArray(value)
  if (ArrayBuffer.isView(value)) return value.byteLength
  if (value instanceof ArrayBuffer) return value.byteLength
  if (value instanceof Map) return walkEntries(value.size, value.entries())
  if (value instanceof Set) return walkEntries(value.size, value.values())
  if (value instanceof Date) return 26
  return walkObject(value)
}

// Its own enumerable keys and their values, as JSON would read them (a getter runs, as it does
// when sync clones the event).
function walkObject(value: object): number {
  // Own enumerable string keys, as JSON reads them: Object.keys is V8's fast path for these.
  const keys = Object.keys(value)
  let bytes = 2
  let seen = 0
  for (; seen < keys.length && visitsLeft > 0; seen++) {
    const key = keys[seen]!
    bytes += key.length + 4 + walk((value as Record<string, unknown>)[key])
  }
  return scaled(bytes, seen, keys.length)
}

function walkArray(value: readonly unknown[]): number {
  let bytes = 2
  let seen = 0
  for (; seen < value.length && visitsLeft > 0; seen++) bytes += walk(value[seen]) + 1
  return scaled(bytes, seen, value.length)
}

function walkEntries(count: number, entries: Iterator<unknown>): number {
  let bytes = 2
  let seen = 0
  while (visitsLeft > 0) {
    const next = entries.next()
    if (next.done) break
    bytes += walk(next.value) + 1
    seen++
  }
  return scaled(bytes, seen, count)
}

/** What was seen of a collection of `count` entries, scaled to the whole when the visits ran out first. */
function scaled(bytes: number, seen: number, count: number): number {
  if (seen >= count) return bytes
  return Math.max((bytes * count) / Math.max(1, seen), count * UNKNOWN)
}
