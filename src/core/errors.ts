/**
 * Error kinds, as in the CloudEvents event-bus module crossbus follows. A kind says what went
 * wrong in general; a `code` names the exact condition; `retryable` says whether trying the same
 * call again can help.
 */
export type BusErrorKind =
  | 'INVALID'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'PERMISSION_DENIED'
  | 'UNAVAILABLE'
  | 'INTERNAL'
  | 'TIMEOUT'
  | 'CANCELED'
  | 'CONFLICT'
  | 'RATE_LIMITED'

/**
 * Every condition the bus itself (core) throws or reports, with its kind and whether retrying can
 * help: the one source of truth for `KnownErrorCode`, `busError()` and the core table of
 * docs/errors.md. Each module has a table of its own (`SYNC_ERROR_CODES`, `REPLAY_ERROR_CODES`,
 * `CLOUDEVENT_ERROR_CODES`, ...), built with {@link errorMaker}.
 */
export const ERROR_CODES = {
  EMPTY_SYSTEM: { kind: 'INVALID', retryable: false },
  EMPTY_KIND: { kind: 'INVALID', retryable: false },
  EMPTY_PATH: { kind: 'INVALID', retryable: false },
  EMPTY_PATTERN: { kind: 'INVALID', retryable: false },
  INVALID_SYSTEM: { kind: 'INVALID', retryable: false },
  INVALID_KIND: { kind: 'INVALID', retryable: false },
  MALFORMED_PATTERN: { kind: 'INVALID', retryable: false },
  SYSTEM_TOO_LONG: { kind: 'INVALID', retryable: false },
  KIND_TOO_LONG: { kind: 'INVALID', retryable: false },
  PATH_TOO_LONG: { kind: 'INVALID', retryable: false },
  PATTERN_TOO_LONG: { kind: 'INVALID', retryable: false },
  INVALID_ARGUMENT: { kind: 'INVALID', retryable: false },
  POLICY_DENIED: { kind: 'INVALID', retryable: false },
  HISTORY_NOT_ENABLED: { kind: 'INVALID', retryable: false },
  REQUESTS_NOT_ENABLED: { kind: 'INVALID', retryable: false },
  NOT_FOUND: { kind: 'NOT_FOUND', retryable: false },
  TIMEOUT: { kind: 'TIMEOUT', retryable: true },
  PLUGIN_CONFLICT: { kind: 'ALREADY_EXISTS', retryable: false },
  BUS_CLOSED: { kind: 'UNAVAILABLE', retryable: false },
  HISTORY_UNAVAILABLE: { kind: 'UNAVAILABLE', retryable: false },
  HANDLER_FAILED: { kind: 'INTERNAL', retryable: false },
  PLUGIN_FAILED: { kind: 'INTERNAL', retryable: false },
  POLICY_FAILED: { kind: 'INTERNAL', retryable: false },
} as const satisfies ErrorCodeTable

/** The conditions crossbus itself reports (see {@link ERROR_CODES}). Plugins may add their own codes. */
export type KnownErrorCode = keyof typeof ERROR_CODES

// Leaves the union open to plugins' codes while keeping autocompletion for crossbus's own.
export type BusErrorCode = KnownErrorCode | (string & {})

export interface BusErrorInit {
  kind: BusErrorKind
  code: BusErrorCode
  message: string
  retryable?: boolean | undefined
  cause?: unknown
}

/**
 * The one error type crossbus throws or reports.
 *
 * @example
 * try { bus.send('', 'order.created', '/orders/1') }
 * catch (err) { if (err instanceof BusError && err.code === 'EMPTY_SYSTEM') ... }
 */
export class BusError extends Error {
  override readonly name = 'BusError'
  readonly kind: BusErrorKind
  readonly code: BusErrorCode
  /** `true`: the same call may succeed later; `false`: it never will; `undefined`: unknown. */
  readonly retryable: boolean | undefined

  constructor(init: BusErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause })
    this.kind = init.kind
    this.code = init.code
    this.retryable = init.retryable
  }
}

/** A table of error codes: each with its kind and whether retrying can help. */
export type ErrorCodeTable = Record<string, { readonly kind: BusErrorKind; readonly retryable: boolean }>

/**
 * The error maker of a table of codes: crossbus's own below, and a plugin's for its codes.
 *
 * @example
 * export const myError = errorMaker({ MY_PLUGIN_DOWN: { kind: 'UNAVAILABLE', retryable: true } })
 * throw myError('MY_PLUGIN_DOWN', 'The service is down.')
 */
export function errorMaker<T extends ErrorCodeTable>(table: T): (code: keyof T & string, message: string, cause?: unknown) => BusError {
  return (code, message, cause) => {
    const { kind, retryable } = table[code]!
    return new BusError({ kind, code, message, retryable, cause })
  }
}

/** A `BusError` for one of crossbus's own codes, with the kind and `retryable` the table gives it. */
export const busError: (code: KnownErrorCode, message: string, cause?: unknown) => BusError = /* @__PURE__ */ errorMaker(ERROR_CODES)
