import { afterEach, describe, expect, it, vi } from 'vitest'
import type { BusEvent } from '../core/index'
import { RetentionClock } from './retention-clock'

const now = Date.UTC(2026, 0, 1)
const stampedAt = (time: number): BusEvent => ({ id: `e${time}`, system: 's', kind: 'k', path: '/', data: null, time, origin: 'other', seq: 1 })

describe('RetentionClock', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('measures a lag from when the event arrived, not from when it was handed over after the history loaded', () => {
    vi.useFakeTimers({ now })
    const clock = new RetentionClock()
    // Arrived 10 ms after it was stamped, handed over (while the history loaded) a minute later.
    clock.received(stampedAt(now - 60_010), now - 60_000)
    expect(clock.now()).toBe(now - 10)
  })

  it('takes a clock running ahead of every other context back by the smallest lag seen', () => {
    vi.useFakeTimers({ now })
    const clock = new RetentionClock()
    clock.received(stampedAt(now - 3_600_000))
    clock.received(stampedAt(now - 3_600_050))
    expect(clock.now()).toBe(now - 3_600_000)
  })
})
