import { describe, expect, it } from 'vitest'
import { BusError, type BusEvent } from '../../core/index'
import { toCloudEvent } from '../../cloudevents/event'
import { fingerprintOf, MessageCodec, stampOf } from './message'

const event: BusEvent = { id: 'o1-7', system: 'orders.eu', kind: 'order.created', path: '/orders/7', data: { total: 7, items: ['a'] }, time: 1_700_000_000_123, origin: 'o1', seq: 7 }
const bytes = (text: string) => new TextEncoder().encode(text)
const encodeMessage = (prefix: string, e: BusEvent) => new MessageCodec(prefix, 1024).encode(e)
const decodeMessage = (prefix: string, subject: string, payload: Uint8Array, maxBytes: number) => new MessageCodec(prefix, maxBytes).decode(subject, payload).event

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
  it('have the same fingerprint when their bytes are the same, whoever published them', () => {
    const a = encodeMessage('p', event).payload
    expect(fingerprintOf(a)).toBe(fingerprintOf(encodeMessage('p', structuredClone(event)).payload))
    expect(fingerprintOf(a)).not.toBe(fingerprintOf(encodeMessage('p', { ...event, data: { total: 8, items: ['a'] } }).payload))
    // Stamped by two publishers: the stamp is read back, and left out of the fingerprint.
    const codec = new MessageCodec('p', 1024)
    const stamped = codec.encode(event, (subject) => `tab~0 ${subject.length}`)
    expect(stamped.stamp).toBe('tab~0 27')
    expect(codec.decode(stamped.subject, stamped.payload)).toEqual({ event, stamp: 'tab~0 27' })
    expect(stampOf(stamped.payload)).toBe('tab~0 27')
    expect(stampOf(a)).toBeUndefined()
    expect(fingerprintOf(stamped.payload)).toBe(fingerprintOf(a))
    expect(fingerprintOf(codec.encode(event, () => 'other~3 9').payload)).toBe(fingerprintOf(a))
  })

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
    // A sequenced event is named after its origin and seq: one event, one identity.
    const renamed = bytes(JSON.stringify({ ...JSON.parse(new TextDecoder().decode(good.payload)), id: 'o1-8' }))
    expect(codeOf(() => decodeMessage('p', good.subject, renamed, 1024))).toBe('NATS_MALFORMED_MESSAGE')
  })

  it('remembers subjects both ways, and a garbage subject among good ones is still refused', () => {
    const codec = new MessageCodec('p', 1024)
    const other: BusEvent = { ...event, id: 'o1-8', seq: 8, system: 'my system', kind: 'a:b' }
    for (let round = 0; round < 2; round++) {
      for (const e of [event, other]) {
        const { subject, payload } = codec.encode(e)
        expect(subject).toBe(e === event ? 'p.orders.eu.:.order.created' : 'p.my%20system.:.a%3Ab')
        expect(codec.decode(subject, payload)).toEqual({ event: e, stamp: undefined })
        // The right subject of another event is still caught as not naming this one.
        expect(codeOf(() => codec.decode(e === event ? 'p.my%20system.:.a%3Ab' : 'p.orders.eu.:.order.created', payload))).toBe('NATS_MALFORMED_MESSAGE')
        expect(codeOf(() => codec.decode('p.garbage', payload))).toBe('NATS_MALFORMED_MESSAGE')
      }
    }
  })
  it('write each event as JSON.stringify of its CloudEvent, byte for byte, so two bridges publish one event with the same content', () => {
    const codec = new MessageCodec('p', 1 << 20)
    const odd: BusEvent[] = [
      event,
      { ...event, data: undefined },
      { ...event, data: null },
      { ...event, data: { toJSON: (key: string) => `as ${key}` } },
      { ...event, data: () => 'not JSON' },
      { ...event, data: new Date(0) },
      { ...event, system: 'заказы.eu', kind: 'a "quoted" kind', path: '/p/\u2028/"x"' },
      { ...event, id: 'o"1-2147483647', origin: 'o"1', seq: 2_147_483_647 },
      { ...event, id: 'o1-2147483648', seq: 2_147_483_648 },
      { ...event, id: 'ext-1', origin: 'external', seq: 0 },
      { ...event, data: { text: 'x'.repeat(20_000) } },
    ]
    const text = (payload: Uint8Array) => new TextDecoder().decode(payload)
    const sent = odd.map((e) => [e, codec.encode(e), codec.encode(e, () => 'tab~0 1')] as const)
    // Later messages share buffers with earlier ones: what went out before is still intact.
    for (let n = 0; n < 2000; n++) codec.encode({ ...event, id: `o1-${n + 1}`, seq: n + 1, data: { n } })
    for (const [e, plain, stamped] of sent) {
      expect(text(plain.payload)).toBe(JSON.stringify(toCloudEvent(e)))
      expect(text(stamped.payload)).toBe(`{"crossbuspubseq":"tab~0 1",${JSON.stringify(toCloudEvent(e)).slice(1)}`)
    }
  })
})
