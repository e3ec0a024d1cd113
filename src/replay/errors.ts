import { errorMaker, type ErrorCodeTable } from '../core/index'

/**
 * The conditions the replay module reports, with their kind and whether retrying helps; every code
 * starts with `REPLAY_`. Asking a bus without replay for history is core's `HISTORY_NOT_ENABLED`.
 */
export const REPLAY_ERROR_CODES = {
  /** IndexedDB cannot be used (missing, refused, over quota, blocked, taken, deleted): history is kept in memory in this context (on `errors$`, once per episode). */
  REPLAY_UNAVAILABLE: { kind: 'UNAVAILABLE', retryable: false },
  /** More events wait to be stored than IndexedDB keeps up with; a tab closed now loses them from history (on `errors$`, once per episode). */
  REPLAY_BEHIND: { kind: 'UNAVAILABLE', retryable: true },
  /**
   * A replay or history read could not include every event of a context of the origin (its tab
   * had not stored them in time, or closed first): the message names the context and the seqs left
   * out, so a stream with a hole is never silent.
   */
  REPLAY_INCOMPLETE: { kind: 'UNAVAILABLE', retryable: false },
  /** Records in the history database that are no events, written there by something else: left out of the read. */
  REPLAY_MALFORMED_RECORD: { kind: 'INVALID', retryable: false },
  /** An event was delivered but IndexedDB could not store it (its data cannot be cloned, or is nested too deep); the others were stored. */
  REPLAY_NOT_STORABLE: { kind: 'INVALID', retryable: false },
} as const satisfies ErrorCodeTable

/** The `code` of an error the replay module reports. */
export type ReplayErrorCode = keyof typeof REPLAY_ERROR_CODES

/** A `BusError` for one of replay's codes. */
export const replayError = /* @__PURE__ */ errorMaker(REPLAY_ERROR_CODES)
