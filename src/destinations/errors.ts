import { errorMaker, type ErrorCodeTable } from '../core/index'

/**
 * The conditions the destinations module reports, with their kind and whether retrying helps;
 * every code starts with `DESTINATION_`. Codes of a module, not of the core: `BusErrorCode` leaves
 * room for them.
 */
export const DESTINATION_ERROR_CODES = {
  /** Bad configuration or options: unknown type, a URL that is not http(s), a malformed filter, a bad mode or batch size. */
  DESTINATION_INVALID: { kind: 'INVALID', retryable: false },
  /** `add` with an id the bus name already has. */
  DESTINATION_EXISTS: { kind: 'ALREADY_EXISTS', retryable: false },
  /** `update`, `remove` or `deadLetters` of an id the bus name does not have. */
  DESTINATION_NOT_FOUND: { kind: 'NOT_FOUND', retryable: false },
  /**
   * A delivery that will be retried: network error (likely CORS for a url on another origin: the
   * message says what the receiver must allow), timeout, 408, 429, 5xx (on `errors$` once per run
   * of failures).
   */
  DESTINATION_DELIVERY_FAILED: { kind: 'UNAVAILABLE', retryable: true },
  /** The receiver refused an event for good (another 4xx, or data that cannot be encoded): it is in dead letters. */
  DESTINATION_DELIVERY_REJECTED: { kind: 'INVALID', retryable: false },
  /** The outbox was full: its oldest events were dropped, and are named in the message and `cause`. */
  DESTINATION_OUTBOX_FULL: { kind: 'UNAVAILABLE', retryable: false },
  /** IndexedDB cannot be used (or an outbox write or read failed): the outbox is kept in memory in this context and is lost with it. */
  DESTINATION_OUTBOX_UNAVAILABLE: { kind: 'UNAVAILABLE', retryable: false },
  /** This context leads but has no `getHeaders` for a destination that needs one: its events wait. */
  DESTINATION_HEADERS_MISSING: { kind: 'INVALID', retryable: false },
  /**
   * A stored destination's url is outside `allowedUrls` (it is neither captured for nor delivered
   * to), or on another origin than its `getHeaders` was given for (its events wait).
   */
  DESTINATION_URL_REFUSED: { kind: 'PERMISSION_DENIED', retryable: false },
  /** A message on the destinations channel that is not one crossbus sends (a forgery, another version): dropped and counted. */
  DESTINATION_MALFORMED_MESSAGE: { kind: 'INVALID', retryable: false },
  /** A record in the outbox database of the wrong shape (written outside crossbus): skipped, and the count recomputed from the records. */
  DESTINATION_MALFORMED_RECORD: { kind: 'INVALID', retryable: false },
} as const satisfies ErrorCodeTable

export type DestinationErrorCode = keyof typeof DESTINATION_ERROR_CODES

/** A `BusError` with one of the destinations module's codes. */
export const destinationError = /* @__PURE__ */ errorMaker(DESTINATION_ERROR_CODES)
