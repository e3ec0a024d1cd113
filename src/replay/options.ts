import { busError } from '../core/index'

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
    throw busError('INVALID_ARGUMENT', `replay.maxEvents must be a positive integer, got ${String(maxEvents)}.`)
  }
  if (typeof maxAgeMs !== 'number' || !(maxAgeMs > 0)) {
    throw busError('INVALID_ARGUMENT', `replay.maxAgeMs must be a positive number of milliseconds, got ${String(maxAgeMs)}.`)
  }
  const store = options.store ?? 'indexeddb'
  if (store !== 'indexeddb' && store !== 'memory') {
    throw busError('INVALID_ARGUMENT', `replay.store must be "indexeddb" or "memory", got ${JSON.stringify(store) ?? String(store)}.`)
  }
  return { maxEvents, maxAgeMs }
}
