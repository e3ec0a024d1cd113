import { errorMaker, type ErrorCodeTable } from '../src/core/index'

/**
 * The conditions the devtools (panel, agent, standalone page) throw or report, with their kind and
 * whether retrying helps. Bad options are core's `INVALID_ARGUMENT`, as for every module.
 */
export const DEVTOOLS_ERROR_CODES = {
  /** `mountDevtools` where there is no page to mount into (a worker, the server): use `devtoolsAgent()` there. */
  DEVTOOLS_NO_DOCUMENT: { kind: 'UNAVAILABLE', retryable: false },
  /** The panel could not be shown: its UI chunk failed to load, or it was closed before it was shown (`ready` rejects). */
  DEVTOOLS_UNAVAILABLE: { kind: 'UNAVAILABLE', retryable: true },
  /**
   * More messages on the devtools channel (asks, context reports) than a context answers or reads
   * per second: the rest were dropped, counted in `stats().dropped`, and reported once a second.
   * Panels ask every few seconds; a flood comes from a script of the origin, not from devtools.
   */
  DEVTOOLS_RATE_LIMITED: { kind: 'RATE_LIMITED', retryable: true },
} as const satisfies ErrorCodeTable

/** One of the devtools' codes. */
export type DevtoolsErrorCode = keyof typeof DEVTOOLS_ERROR_CODES

/** A `BusError` with one of the devtools' codes. */
export const devtoolsError = /* @__PURE__ */ errorMaker(DEVTOOLS_ERROR_CODES)
