import { describe, expect, it } from 'vitest'
import { backoffDelay, isRetryableStatus, MAX_TIMER_MS, parseRetryAfter, retryDelay, timerDelay } from './retry'

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

  it('caps a Retry-After wait at maxDelayMs: a receiver cannot stall a destination for centuries', () => {
    const policy = { initialDelayMs: 1000, maxDelayMs: 60_000, maxAttempts: Infinity }
    const huge = parseRetryAfter('99999999999', 0)
    expect(huge).toBe(99_999_999_999_000)
    expect(retryDelay(1, policy, huge)).toBe(60_000)
    expect(retryDelay(1, policy, Infinity)).toBe(60_000)
    // A shorter Retry-After is honoured exactly, a missing or unreadable one means the backoff.
    expect(retryDelay(3, policy, 2_000)).toBe(2_000)
    expect(retryDelay(3, policy, Number.NaN, () => 1)).toBe(4_000)
    expect(retryDelay(3, policy, undefined, () => 1)).toBe(4_000)
  })

  it('never retries sooner than initialDelayMs, whatever Retry-After says (0, or a date in the past)', () => {
    const policy = { initialDelayMs: 200, maxDelayMs: 3000, maxAttempts: Infinity }
    const now = Date.UTC(2026, 0, 1, 0, 0, 0)
    expect(retryDelay(1, policy, parseRetryAfter('0', now))).toBe(200)
    expect(retryDelay(5, policy, parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now))).toBe(200)
    expect(retryDelay(1, policy, 50)).toBe(200)
    expect(retryDelay(1, policy, -1)).toBe(200)
  })

  it('never asks setTimeout for more than 2^31-1 ms, which browsers treat as 0 (a tight loop)', () => {
    expect(MAX_TIMER_MS).toBe(2 ** 31 - 1)
    expect(timerDelay(2 ** 31)).toBe(MAX_TIMER_MS)
    expect(timerDelay(1e15)).toBe(MAX_TIMER_MS)
    expect(timerDelay(Infinity)).toBe(MAX_TIMER_MS)
    expect(timerDelay(1500)).toBe(1500)
    expect(timerDelay(-5)).toBe(0)
    expect(timerDelay(Number.NaN)).toBe(0)
  })
})
