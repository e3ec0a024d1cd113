import { describe, expect, it } from 'vitest'
import type { BusEvent } from '../../core/event'
import { BusError } from '../../core/errors'
import { decodeMessage, encodeMessage } from './message'

const event: BusEvent = { id: 'o1-7', system: 'orders.eu', kind: 'order.created', path: '/orders/7', data: { total: 7, items: ['a'] }, time: 1_700_000_000_123, origin: 'o1', seq: 7 }
const bytes = (text: string) => new TextEncoder().encode(text)

function codeOf(run: () => unknown): string | undefined {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(BusError)
    return (error as BusError).code
  }
  return undefined
}

describe('NATS messages', () => {
  it('carry the event as its CloudEvent and come back identical', () => {
    const { subject, payload } = encodeMessage('p', event)
    expect(subject).toBe('p.orders.eu.:.order.created')
    expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({ specversion: '1.0', id: 'o1-7', source: 'orders.eu', type: 'order.created' })
    expect(decodeMessage('p', subject, payload, 1024)).toEqual(event)
  })

  it('refuses data that cannot travel as JSON', () => {
    expect(codeOf(() => encodeMessage('p', { ...event, data: { n: 1n } }))).toBe('NATS_EXPORT_FAILED')
  })

  it('drops garbage, bad UTF-8, non-CloudEvents, oversized payloads and subjects that disagree with the payload', () => {
    const good = encodeMessage('p', event)
    expect(codeOf(() => decodeMessage('p', good.subject, bytes('not json'), 1024))).toBe('NATS_MALFORMED_MESSAGE')
    expect(codeOf(() => decodeMessage('p', good.subject, new Uint8Array([0x7b, 0xff, 0x7d]), 1024))).toBe('NATS_MALFORMED_MESSAGE')
    expect(codeOf(() => decodeMessage('p', good.subject, bytes('{"hello":"world"}'), 1024))).toBe('NATS_MALFORMED_MESSAGE')
    expect(codeOf(() => decodeMessage('p', 'p.orders.:.order.created', good.payload, 1024))).toBe('NATS_MALFORMED_MESSAGE')
    expect(codeOf(() => decodeMessage('p', 'p.garbage', good.payload, 1024))).toBe('NATS_MALFORMED_MESSAGE')
    expect(codeOf(() => decodeMessage('p', good.subject, good.payload, good.payload.byteLength - 1))).toBe('NATS_MESSAGE_TOO_LARGE')
  })
})
