// CloudEvents timestamps are RFC 3339. Date.parse is not used to read them: engines accept strings
// RFC 3339 forbids (`Jan 1 2024`) and roll impossible dates over (`2024-02-30` becomes March 1).
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/

// toISOString writes RFC 3339 only for years 0000–9999; outside them it switches to `±YYYYYY`.
const MIN_TIME = -62_167_219_200_000 // 0000-01-01T00:00:00.000Z
const MAX_TIME = 253_402_300_799_999 // 9999-12-31T23:59:59.999Z

/** Whether epoch milliseconds survive a trip through an RFC 3339 string unchanged. */
export function isRfc3339Time(ms: number): boolean {
  return Number.isInteger(ms) && ms >= MIN_TIME && ms <= MAX_TIME
}

/**
 * Epoch milliseconds as RFC 3339 in UTC with millisecond precision, or `undefined` when the
 * number has no such form (fractional, non-finite, or outside years 0000–9999).
 *
 * @example
 * formatRfc3339(0) // '1970-01-01T00:00:00.000Z'
 */
export function formatRfc3339(ms: number): string | undefined {
  return isRfc3339Time(ms) ? new Date(ms).toISOString() : undefined
}

/**
 * An RFC 3339 timestamp as epoch milliseconds, or `undefined` when the text is not one.
 * Any offset is accepted; digits past the millisecond are dropped, as `toISOString` would.
 *
 * @example
 * parseRfc3339('1970-01-01T01:00:00.5+01:00') // 500
 */
export function parseRfc3339(text: string): number | undefined {
  const match = RFC3339.exec(text)
  if (match === null) return undefined
  const field = (index: number): number => Number(match[index] ?? 0)
  const [year, month, day, hour, minute, second] = [field(1), field(2), field(3), field(4), field(5), field(6)] as const
  const [offsetHour, offsetMinute] = [field(9), field(10)] as const
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
  // 60 is a leap second, which RFC 3339 allows. Epoch time has none, so it becomes the next :00.
  if (hour > 23 || minute > 59 || second > 60 || offsetHour > 23 || offsetMinute > 59) return undefined

  const millis = Number((match[7] ?? '').slice(0, 3).padEnd(3, '0'))
  const date = new Date(0)
  // setUTCFullYear, unlike Date.UTC, keeps years 0–99 instead of mapping them to 1900–1999.
  date.setUTCFullYear(year, month - 1, day)
  date.setUTCHours(hour, minute, second, millis)
  const offset = (match[8] === '-' ? -1 : 1) * (offsetHour * 60 + offsetMinute) * 60_000
  const ms = date.getTime() - offset
  return isRfc3339Time(ms) ? ms : undefined
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}
