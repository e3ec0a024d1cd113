import { busError } from './errors'

// Characters that make a string a glob. A concrete system or kind must not contain them, so
// that a name is never mistaken for a pattern when it is matched.
export const GLOB_CHARS = /[*?[\]{}()!]/

/**
 * The longest system or kind: names are for people to read, and every context matches, caches and
 * remembers them, so a 100,000-character one is refused rather than carried.
 */
export const MAX_NAME_LENGTH = 256
/** The longest path: room for any URL path a resource has, but not for a payload. */
export const MAX_PATH_LENGTH = 4096

/**
 * Checks a concrete name (a system or a kind). Names are `.`-separated segments, which is what
 * lets `orders.*` match `orders.eu`; so `/` and empty segments are refused.
 */
function checkName(value: unknown, what: 'system' | 'kind'): asserts value is string {
  const upper = what.toUpperCase() as 'SYSTEM' | 'KIND'
  if (typeof value !== 'string') {
    throw busError('INVALID_ARGUMENT', `The ${what} must be a string, got ${describeValue(value)}.`)
  }
  if (value === '') throw busError(`EMPTY_${upper}`, `The ${what} is empty: give the ${what} a name, e.g. ${what === 'system' ? '"orders"' : '"order.created"'}.`)
  // Before any other check, so a long name costs nothing more than its length.
  if (value.length > MAX_NAME_LENGTH) {
    throw busError(`${upper}_TOO_LONG`, `The ${what} "${value.slice(0, 40)}…" is ${value.length} characters long, over the limit of ${MAX_NAME_LENGTH}.`)
  }
  if (value.includes('/') || GLOB_CHARS.test(value) || hasEmptySegment(value)) {
    throw busError(
      `INVALID_${upper}`,
      `The ${what} "${value}" is not a valid name: use "."-separated segments without "/", empty segments or glob characters.`,
    )
  }
}

export function checkSystem(value: unknown): asserts value is string {
  checkName(value, 'system')
}

export function checkKind(value: unknown): asserts value is string {
  checkName(value, 'kind')
}

export function checkPath(value: unknown): asserts value is string {
  if (typeof value !== 'string') {
    throw busError('INVALID_ARGUMENT', `The path must be a string, got ${describeValue(value)}.`)
  }
  if (value === '') throw busError('EMPTY_PATH', 'The path is empty: name the resource the event is about, e.g. "/orders/123".')
  if (value.length > MAX_PATH_LENGTH) {
    throw busError('PATH_TOO_LONG', `The path "${value.slice(0, 40)}…" is ${value.length} characters long, over the limit of ${MAX_PATH_LENGTH}.`)
  }
}

export function hasEmptySegment(name: string): boolean {
  return name.startsWith('.') || name.endsWith('.') || name.includes('..')
}

/** What a value is, for messages about a wrong argument: `null`, `an array`, or its `typeof`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value
}

/** What went wrong, for messages about a failure: an error's name and message, or the thrown value. */
export function describeError(cause: unknown): string {
  if (cause instanceof Error) return cause.message === '' ? cause.name : `${cause.name}: ${cause.message}`
  return String(cause)
}

// Years 0000 to 9999 in epoch milliseconds: what RFC 3339 (and so a CloudEvent's `time`) can say.
const EARLIEST_TIME = -62_167_219_200_000
const LATEST_TIME = 253_402_300_799_999

/** Whether a value can be an event's `time`: whole epoch milliseconds in years 0000–9999. */
export function isEventTime(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= EARLIEST_TIME && (value as number) <= LATEST_TIME
}

/**
 * The longest `id` or `origin` an event from outside may have: CloudEvents ids are UUIDs or the
 * like, and every context remembers the identities it saw, so a megabyte-long one is refused.
 */
export const MAX_IDENTITY_LENGTH = 512
