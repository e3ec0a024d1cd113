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
