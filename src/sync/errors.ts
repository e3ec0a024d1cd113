import { errorMaker, type ErrorCodeTable } from '../core/index'

/**
 * Every condition the sync plugin throws or reports, with its kind and whether retrying helps.
 * Codes of a plugin, not of the core: `BusErrorCode` leaves room for them.
 */
export const SYNC_ERROR_CODES = {
  /** Data structured clone refuses or silently changes (a function, a class instance...), or nested past 256 levels. */
  SYNC_NOT_CLONABLE: { kind: 'INVALID', retryable: false },
  /** An event over `maxEventBytes`, or a message from another context over its bounds (then dropped). */
  SYNC_TOO_LARGE: { kind: 'INVALID', retryable: false },
  /** An own `__proto__`, `constructor` or `prototype` key in event data: receivers refuse it. */
  SYNC_UNSAFE_KEY: { kind: 'INVALID', retryable: false },
  /** A message from another context that is not a valid envelope, or an implausible event in one (dropped). */
  SYNC_MALFORMED_MESSAGE: { kind: 'INVALID', retryable: false },
  /** A message of a newer envelope version, from a newer crossbus in another context (dropped). */
  SYNC_UNSUPPORTED_VERSION: { kind: 'INVALID', retryable: false },
  /**
   * Two different events with one identity (origin and seq): the first to arrive was delivered, the
   * other is dropped. Or, said by the context named, events posted in its name that it never sent.
   * Some script of the origin posts in another context's name; no context can tell which is real.
   */
  SYNC_EVENT_CONFLICT: { kind: 'CONFLICT', retryable: false },
  /** Events from another context that never arrived (lost in transit, or while this tab was paused). */
  SYNC_EVENTS_MISSED: { kind: 'UNAVAILABLE', retryable: false },
  /** A message could not be posted to the other contexts. */
  SYNC_POST_FAILED: { kind: 'UNAVAILABLE', retryable: true },
  /** The leader election could not run; this context will not lead. */
  SYNC_ELECTION_FAILED: { kind: 'UNAVAILABLE', retryable: true },
  /**
   * More instances than this context keeps track of: announced ones beyond the 1,024 others
   * `peers$` lists, or events from unannounced instances beyond 8,192 active ones (dropped).
   */
  SYNC_TOO_MANY_PEERS: { kind: 'RATE_LIMITED', retryable: false },
} as const satisfies ErrorCodeTable

/** One of the sync plugin's codes. */
export type SyncErrorCode = keyof typeof SYNC_ERROR_CODES

/** A `BusError` with one of the sync plugin's codes. */
export const syncError = /* @__PURE__ */ errorMaker(SYNC_ERROR_CODES)
