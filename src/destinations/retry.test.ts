import { describe, expect, it } from 'vitest'
import { backoffDelay, isRetryableStatus, parseRetryAfter } from './retry'

describe('retry rules', () => {
  it('retries 408, 429 and 5xx, and no other status', () => {
    expect([408, 429, 500, 502, 503, 504, 599].map(isRetryableStatus)).toEqual([true, true, true, true, true, true, true])
    expect([400, 401, 403, 404, 409, 413, 422].map(isRetryableStatus)).toEqual([false, false, false, false, false, false, false])
  })

  it('reads Retry-After as seconds or an HTTP date, never negative, and ignores what it cannot read', () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0)
    expect(parseRetryAfter('3', now)).toBe(3000)
    expect(parseRetryAfter(' 0 ', now)).toBe(0)
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000)
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0)
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter(null, now)).toBeUndefined()
  })

  it('doubles the backoff per attempt up to the cap, with jitter over the upper half', () => {
    const backoff = { initialDelayMs: 1000, maxDelayMs: 8000 }
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, backoff, () => 1))).toEqual([1000, 2000, 4000, 8000, 8000])
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, backoff, () => 0))).toEqual([500, 1000, 2000, 4000, 4000])
  })
})
