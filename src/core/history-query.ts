import { busError } from './errors'

/**
 * `subscribe(pattern, kind, { replay })`: first the matching history, then live events.
 * `'all'` replays everything kept, a number the latest that many matching events, and
 * `{ since }` the events sent at or after that epoch-millisecond time.
 */
export type ReplaySpec = 'all' | number | { readonly since: number }

export interface SubscribeOptions {
  /** Deliver matching history before live events, with no gap and no duplicate at the seam. */
  readonly replay?: ReplaySpec
}

/** `bus.history(pattern, kind, query)`. */
export interface HistoryQuery {
  /** Only events sent at or after this epoch-millisecond time. */
  readonly since?: number
  /** Only the latest `limit` matching events (still oldest first). */
  readonly limit?: number
}

/** Turns a subscription's `replay` into a history query; throws `INVALID` for a malformed one. */
export function queryOf(spec: ReplaySpec): HistoryQuery {
  if (spec === 'all') return {}
  if (typeof spec === 'number') return { limit: checkLimit(spec, 'replay') }
  if (spec !== null && typeof spec === 'object' && 'since' in spec) return { since: checkSince(spec.since, 'replay.since') }
  throw busError('INVALID_ARGUMENT', `replay must be "all", a number of events, or { since: epochMs }, got ${JSON.stringify(spec)}.`)
}

/** Checks a `bus.history` query. */
export function checkQuery(query: HistoryQuery): HistoryQuery {
  const since = query.since === undefined ? undefined : checkSince(query.since, 'since')
  const limit = query.limit === undefined ? undefined : checkLimit(query.limit, 'limit')
  return { since, limit }
}

function checkLimit(limit: unknown, what: string): number {
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0) {
    throw busError('INVALID_ARGUMENT', `${what} must be a non-negative integer number of events, got ${String(limit)}.`)
  }
  return limit
}

function checkSince(since: unknown, what: string): number {
  if (typeof since !== 'number' || !Number.isFinite(since)) {
    throw busError('INVALID_ARGUMENT', `${what} must be an epoch time in milliseconds, got ${String(since)}.`)
  }
  return since
}
