// The panel shows whatever reached the bus: data that JSON cannot hold (BigInt, cycles, a getter
// that throws) and, from a damaged or forged message, times no date can hold. These turn such
// values into text without ever throwing, so one odd event never breaks the table or the detail.
import { estimateBytes } from './size'

// JSON estimated longer than this is not built: strings end near 512 MiB, and building one (an
// array of a billion holes writes "null," a billion times) stalls the page for seconds before it fails.
const MAX_JSON_BYTES = 128 * 1024 * 1024

/** JSON text, or why there is none; `tooLarge` when it was not even tried. */
export type JsonText = { readonly text: string; readonly problem?: undefined } | { readonly text?: undefined; readonly problem: string; readonly tooLarge?: boolean }

/** A value as JSON text, or why it cannot be (`JSON.stringify` of `undefined` or a function is ''). */
export function jsonText(value: unknown, indent?: number): JsonText {
  const estimate = estimateBytes(value)
  if (estimate > MAX_JSON_BYTES) return { problem: `it is about ${Math.round(estimate / 1024 / 1024)} MB as JSON, too large to show`, tooLarge: true }
  try {
    return { text: JSON.stringify(value, null, indent) ?? '' }
  } catch (error) {
    return { problem: problemOf(error) }
  }
}

/** What went wrong, as text: the message of an error, or the thrown value itself. */
export function problemOf(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error)
  } catch {
    return 'an unprintable value was thrown'
  }
}

/** `String(value)`, or a note when the value refuses (an object without prototype, a throwing `toString`). */
export function textOf(value: unknown): string {
  try {
    return String(value)
  } catch (error) {
    return `(cannot be shown: ${problemOf(error)})`
  }
}

/** The date at `ms` epoch milliseconds, or `undefined` for a time no date can hold (±8.64e15, NaN, not a number). */
export function dateAt(ms: unknown): Date | undefined {
  if (typeof ms !== 'number') return undefined
  const date = new Date(ms)
  return Number.isNaN(date.getTime()) ? undefined : date
}
