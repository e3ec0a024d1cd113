import { errorMaker, type ErrorCodeTable } from '../core/index'

/**
 * The conditions crossbus/react and crossbus/vue report besides crossbus's own codes, with their
 * kind and whether retrying helps. Both adapters export this one table.
 */
export const HOOKS_ERROR_CODES = {
  /** `useBus()` (or a hook or composable built on it) found no provider above it. */
  HOOKS_NO_BUS_PROVIDER: { kind: 'INVALID', retryable: false },
} as const satisfies ErrorCodeTable

/** A `BusError` with one of the adapters' codes. */
export const hooksError = /* @__PURE__ */ errorMaker(HOOKS_ERROR_CODES)
