import { describe, expect, it } from 'vitest'
import { BusError } from '../../src/core/index'
import type { DestinationStatus } from '../../src/destinations/index'
import { describeFailures } from './failures'

const rejected = new BusError({ kind: 'INVALID', code: 'DESTINATION_DELIVERY_REJECTED', message: 'the receiver said 400', retryable: false })
const status = (over: Partial<DestinationStatus>): DestinationStatus => ({ id: 'd', pending: 0, delivered: 0, failed: 0, lastError: undefined, nextRetryAt: undefined, paused: undefined, ...over })

describe('describeFailures', () => {
  it('warns while dead letters are left', () => {
    expect(describeFailures(status({ failed: 2, lastError: rejected }), 2, 0)).toEqual({
      failed: '2',
      failedBad: true,
      lastError: 'DESTINATION_DELIVERY_REJECTED: the receiver said 400',
      lastErrorBad: true,
    })
  })

  it('says the failures are resolved once no letter is left and a delivery came after the error', () => {
    const text = describeFailures(status({ failed: 2, delivered: 1, lastError: rejected }), 0, 0)
    expect(text.failedBad).toBe(false)
    expect(text.lastErrorBad).toBe(false)
    expect(text.failed).toContain('none left')
    expect(text.lastError).toContain('resolved')
  })

  it('keeps warning of an error no delivery followed (a letter discarded, a retry still failing)', () => {
    const text = describeFailures(status({ failed: 1, delivered: 3, lastError: rejected }), 0, 3)
    expect([text.failedBad, text.lastErrorBad]).toEqual([false, true])
    expect(describeFailures(status({ pending: 1, lastError: rejected }), undefined, 0).lastErrorBad).toBe(true)
  })
})
