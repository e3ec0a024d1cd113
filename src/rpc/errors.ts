import { errorMaker, type ErrorCodeTable } from '../core/index'

/**
 * The conditions only requests raise, beside core's `NOT_FOUND` (no context handles the kind),
 * `TIMEOUT` (no reply in time) and `REQUESTS_NOT_ENABLED`.
 */
export const REQUEST_ERROR_CODES = {
  /** The handler threw or rejected: the message is the handler's. */
  REQUEST_FAILED: { kind: 'INTERNAL', retryable: false },
  /** The request's `signal` aborted. */
  REQUEST_CANCELED: { kind: 'CANCELED', retryable: false },
  /** The context handling the request closed, or its handler was closed, before it replied. */
  REQUEST_HANDLER_GONE: { kind: 'UNAVAILABLE', retryable: true },
} as const satisfies ErrorCodeTable

export type RequestErrorCode = keyof typeof REQUEST_ERROR_CODES

export const requestError = /* @__PURE__ */ errorMaker(REQUEST_ERROR_CODES)
