import { invalid } from '../core/errors'

/** `createBus({ replay })`: keep the bus's events as history that late subscribers can replay. */
export interface ReplayOptions {
  /** Most events kept; older ones are trimmed first. Default 10,000. */
  readonly maxEvents?: number
  /** Oldest event kept, in milliseconds of age. Default 24 hours. */
  readonly maxAgeMs?: number
  /**
   * Where history lives: `'indexeddb'` (default) is shared by every context of the origin and
   * survives reloads; `'memory'` is this context's only, for tests and server-side rendering.
   */
  readonly store?: 'indexeddb' | 'memory'
}

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

/** Retention with defaults filled in. */
export interface Retention {
  readonly maxEvents: number
  readonly maxAgeMs: number
}

export const DEFAULT_RETENTION: Retention = { maxEvents: 10_000, maxAgeMs: 24 * 60 * 60 * 1000 }

/** Fills in defaults and refuses values that could only be mistakes. */
export function retentionOf(options: ReplayOptions): Retention {
  const maxEvents = options.maxEvents ?? DEFAULT_RETENTION.maxEvents
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_RETENTION.maxAgeMs
  if (!Number.isInteger(maxEvents) || maxEvents < 1) {
    throw invalid('INVALID_ARGUMENT', `replay.maxEvents must be a positive integer, got ${String(maxEvents)}.`)
  }
  if (typeof maxAgeMs !== 'number' || !(maxAgeMs > 0)) {
    throw invalid('INVALID_ARGUMENT', `replay.maxAgeMs must be a positive number of milliseconds, got ${String(maxAgeMs)}.`)
  }
  const store = options.store ?? 'indexeddb'
  if (store !== 'indexeddb' && store !== 'memory') {
    throw invalid('INVALID_ARGUMENT', `replay.store must be "indexeddb" or "memory", got ${String(store)}.`)
  }
  return { maxEvents, maxAgeMs }
}

/** Turns a subscription's `replay` into a history query; throws `INVALID` for a malformed one. */
export function queryOf(spec: ReplaySpec): HistoryQuery {
  if (spec === 'all') return {}
  if (typeof spec === 'number') return { limit: checkLimit(spec, 'replay') }
  if (spec !== null && typeof spec === 'object' && 'since' in spec) return { since: checkSince(spec.since, 'replay.since') }
  throw invalid('INVALID_ARGUMENT', `replay must be "all", a number of events, or { since: epochMs }, got ${JSON.stringify(spec)}.`)
}

/** Checks a `bus.history` query. */
export function checkQuery(query: HistoryQuery): HistoryQuery {
  const since = query.since === undefined ? undefined : checkSince(query.since, 'since')
  const limit = query.limit === undefined ? undefined : checkLimit(query.limit, 'limit')
  return { since, limit }
}

function checkLimit(limit: unknown, what: string): number {
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0) {
    throw invalid('INVALID_ARGUMENT', `${what} must be a non-negative integer number of events, got ${String(limit)}.`)
  }
  return limit
}

function checkSince(since: unknown, what: string): number {
  if (typeof since !== 'number' || !Number.isFinite(since)) {
    throw invalid('INVALID_ARGUMENT', `${what} must be an epoch time in milliseconds, got ${String(since)}.`)
  }
  return since
}
