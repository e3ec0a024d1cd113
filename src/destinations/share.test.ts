import { describe, expect, it } from 'vitest'
import { readShareMessage } from './share'

const status = { id: 'audit', pending: 0, delivered: 1, failed: 0, nextRetryAt: undefined, paused: undefined, lastError: undefined }

describe('messages on the destinations channel', () => {
  it('reads each message type of the right shape', () => {
    expect(readShareMessage({ type: 'config' })).toEqual({ type: 'config' })
    expect(readShareMessage({ type: 'ask-status' })).toEqual({ type: 'ask-status' })
    expect(readShareMessage({ type: 'queued', ids: ['a', 'b'] })).toEqual({ type: 'queued', ids: ['a', 'b'] })
    const error = { kind: 'UNAVAILABLE', code: 'DESTINATION_DELIVERY_FAILED', message: '503', retryable: true }
    expect(readShareMessage({ type: 'status', statuses: [status, { ...status, id: 'b', nextRetryAt: 5, paused: 'offline', lastError: error }] })).toEqual({
      type: 'status',
      statuses: [status, { ...status, id: 'b', nextRetryAt: 5, paused: 'offline', lastError: error }],
    })
  })

  it('keeps nothing a sender added beyond the fields of a status', () => {
    const read = readShareMessage({ type: 'status', statuses: [{ ...status, extra: 'x', lastError: { kind: 'INVALID', code: 'X', message: 'm', retryable: false, stack: 's' } }] })
    expect(read).toEqual({ type: 'status', statuses: [{ ...status, lastError: { kind: 'INVALID', code: 'X', message: 'm', retryable: false } }] })
  })

  it('says what is wrong with anything else, without throwing', () => {
    const queued = /a "queued" message needs ids, an array of destination ids/
    const statuses = /a "status" message needs statuses, an array of destination statuses/
    const cases: Array<[unknown, RegExp]> = [
      [null, /an object with a known type, got null/],
      ['config', /got string/],
      [[{ type: 'config' }], /got object/],
      [{ type: 7 }, /got type 7/],
      [{ type: 'teleport' }, /got type "teleport"/],
      [{ type: 'queued', ids: 12 }, queued],
      [{ type: 'queued', ids: null }, queued],
      [{ type: 'queued', ids: ['a', 1] }, queued],
      [{ type: 'status', statuses: 5 }, statuses],
      [{ type: 'status', statuses: [null] }, statuses],
      [{ type: 'status', statuses: [{ id: 'audit' }] }, statuses],
      [{ type: 'status', statuses: [status, { ...status, id: '' }] }, statuses],
      [{ type: 'status', statuses: [{ ...status, failed: -1 }] }, statuses],
      [{ type: 'status', statuses: [{ ...status, delivered: 1.5 }] }, statuses],
      [{ type: 'status', statuses: [{ ...status, nextRetryAt: Infinity }] }, statuses],
      [{ type: 'status', statuses: [{ ...status, nextRetryAt: '5' }] }, statuses],
      [{ type: 'status', statuses: [{ ...status, paused: 'napping' }] }, statuses],
      [{ type: 'status', statuses: [{ ...status, lastError: 'boom' }] }, statuses],
      [{ type: 'status', statuses: [{ ...status, lastError: { kind: 'INVALID', code: 5, message: 'm' } }] }, statuses],
      [{ type: 'status', statuses: [{ ...status, lastError: { kind: 'INVALID', code: 'X', message: 'm', retryable: 'no' } }] }, statuses],
    ]
    for (const [data, why] of cases) expect(readShareMessage(data), JSON.stringify(data)).toMatch(why)
  })
})
