/**
 * Error kinds, as in the seed's `errors` module. A kind says what went wrong in general; a
 * `code` names the exact condition; `retryable` says whether trying the same call again can help.
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

/** Conditions crossbus itself reports. Other modules may add their own codes. */
export type BusErrorCode =
  | 'EMPTY_SYSTEM'
  | 'EMPTY_KIND'
  | 'EMPTY_PATH'
  | 'EMPTY_PATTERN'
  | 'INVALID_SYSTEM'
  | 'INVALID_KIND'
  | 'MALFORMED_PATTERN'
  | 'INVALID_ARGUMENT'
  | 'POLICY_DENIED'
  | 'BUS_CLOSED'
  | 'HANDLER_FAILED'
  | 'NOT_CLONABLE'
  | 'TOO_LARGE'
  | 'INVALID_CLOUDEVENT'
  // Leaves the union open to codes of later modules while keeping autocompletion for these.
  | (string & {})

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

/** An input the caller must fix: never retryable. */
export function invalid(code: BusErrorCode, message: string, cause?: unknown): BusError {
  return new BusError({ kind: 'INVALID', code, message, retryable: false, cause })
}
