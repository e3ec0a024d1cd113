import { errorMaker, type ErrorCodeTable } from '../core/index'

/**
 * The conditions the sync plugin reports besides crossbus's own codes, with their kind and whether
 * retrying helps. Codes of a plugin, not of the core: `BusErrorCode` leaves room for them.
 */
export const SYNC_ERROR_CODES = {
  /** More instances announced themselves than `peers$` lists (1,024 others): the ones beyond are left out. */
  TOO_MANY_PEERS: { kind: 'RATE_LIMITED', retryable: false },
} as const satisfies ErrorCodeTable

/** A `BusError` with one of the sync plugin's codes. */
export const syncError = /* @__PURE__ */ errorMaker(SYNC_ERROR_CODES)
