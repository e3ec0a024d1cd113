/**
 * Shape checks every reader of foreign data shares (envelopes, CloudEvents, stored records), so
 * each means one thing everywhere.
 */

/** An object that is not an array or `null`: what a JSON object or a structured clone of one is. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A context's sequence number: a safe integer from 1 (a context's first event has seq 1). */
export function isSeq(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1
}
