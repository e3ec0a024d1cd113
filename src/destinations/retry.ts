/** The statuses worth trying again: the request timed out, the receiver is busy or broken for now. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500
}

/**
 * `Retry-After` in milliseconds from `now`: delay-seconds or an HTTP date; `undefined` when absent
 * or unreadable, and never negative.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

export interface Backoff {
  readonly initialDelayMs: number
  readonly maxDelayMs: number
}

/** The backoff, and how many attempts an event gets before it goes to dead letters. */
export interface RetryPolicy extends Backoff {
  readonly maxAttempts: number
}

/**
 * The wait before attempt `attempt + 1` after `attempt` failures: doubling from `initialDelayMs`,
 * capped at `maxDelayMs`, with "full jitter" over the upper half so that many tabs' or users'
 * retries spread out instead of arriving together.
 */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  const ceiling = Math.min(backoff.maxDelayMs, backoff.initialDelayMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}

/**
 * The longest wait `setTimeout` takes: browsers (and Node) store the delay in 32 bits and treat
 * anything longer as 0 ms, which would turn a long wait into a tight loop.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1

/** `ms` as `setTimeout` can honour it: at most {@link MAX_TIMER_MS}, never negative or NaN. */
export function timerDelay(ms: number): number {
  return ms > 0 ? Math.min(ms, MAX_TIMER_MS) : 0
}

/**
 * The wait before attempt `attempt + 1`: the receiver's `Retry-After` when it gave a readable one,
 * kept between `initialDelayMs` and `maxDelayMs`; the backoff otherwise. The floor: `Retry-After: 0`
 * or a date in the past would otherwise turn backoff off, and every tab of every user of an app
 * would hammer a failing receiver. The ceiling: a receiver asking for years would stall the
 * destination until reload.
 */
export function retryDelay(attempt: number, policy: Backoff, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  if (retryAfterMs === undefined || Number.isNaN(retryAfterMs)) return backoffDelay(attempt, policy, random)
  return Math.min(Math.max(policy.initialDelayMs, retryAfterMs), policy.maxDelayMs)
}
