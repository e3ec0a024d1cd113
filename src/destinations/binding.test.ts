import { HTTP } from 'cloudevents'
import { describe, expect, it } from 'vitest'
import type { BusEvent } from '../core/index'
import { encodeRequest, percentEncodeHeader } from './binding'

const event: BusEvent = {
  id: 'tab-1-7',
  system: 'orders.eu',
  kind: 'order.created',
  path: '/orders/7 "ünïcode" 100%',
  data: { total: 5, note: 'ok' },
  time: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
  origin: 'tab-1',
  seq: 7,
}

/** What the official SDK reads from the request, with binary headers percent-decoded as the binding asks. */
function parse(mode: 'structured' | 'binary' | 'batch', events: BusEvent[]) {
  const { headers, body } = encodeRequest(mode, events)
  const parsed = HTTP.toEvent({ headers, body })
  const list = (Array.isArray(parsed) ? parsed : [parsed]) as unknown as Array<{ toJSON(): Record<string, unknown> }>
  return list.map((ce) => ({ ...ce.toJSON() }))
}

describe('encodeRequest: the CloudEvents HTTP binding, read back by the official SDK', () => {
  it('structured: one event as application/cloudevents+json', () => {
    expect(encodeRequest('structured', [event]).headers).toEqual({ 'content-type': 'application/cloudevents+json' })
    const [ce] = parse('structured', [event])
    expect(ce).toMatchObject({ id: event.id, source: 'orders.eu', type: 'order.created', subject: event.path, data: event.data, time: '2026-01-02T03:04:05.006Z', crossbusseq: 7 })
  })

  it('binary: ce- headers percent-encoded, Content-Type from datacontenttype, the data as the body', () => {
    const { headers, body } = encodeRequest('binary', [event])
    expect(headers['content-type']).toBe('application/json')
    expect(headers['ce-subject']).toBe('/orders/7%20%22%C3%BCn%C3%AFcode%22%20100%25')
    expect(body).toBe(JSON.stringify(event.data))
    const [ce] = parse('binary', [event])
    expect(decodeURIComponent(String(ce!['subject']))).toBe(event.path)
    expect(ce).toMatchObject({ id: event.id, source: 'orders.eu', type: 'order.created', datacontenttype: 'application/json', data: event.data, crossbusorigin: 'tab-1', crossbusseq: '7' })
  })

  it('binary: an event without data has no body', () => {
    const { body } = encodeRequest('binary', [{ ...event, data: undefined }])
    expect(body).toBeUndefined()
  })

  it('batch: every event, in order, as application/cloudevents-batch+json', () => {
    const events = [event, { ...event, id: 'tab-1-8', seq: 8 }, { ...event, id: 'tab-1-9', seq: 9 }]
    expect(encodeRequest('batch', events).headers).toEqual({ 'content-type': 'application/cloudevents-batch+json' })
    expect(parse('batch', events).map((ce) => ce.id)).toEqual(['tab-1-7', 'tab-1-8', 'tab-1-9'])
  })

  it('refuses data JSON cannot carry, and more than one event outside batch mode', () => {
    expect(() => encodeRequest('structured', [{ ...event, data: { big: 1n } }])).toThrow(TypeError)
    expect(() => encodeRequest('binary', [event, event])).toThrow(/one event per request/)
  })
})

describe('percentEncodeHeader', () => {
  it('encodes space, double quote, percent and non-printable-ASCII per UTF-8 byte, and nothing else', () => {
    expect(percentEncodeHeader('a b"c%d')).toBe('a%20b%22c%25d')
    expect(percentEncodeHeader('заказ')).toBe('%D0%B7%D0%B0%D0%BA%D0%B0%D0%B7')
    expect(percentEncodeHeader('emoji 🎉')).toBe('emoji%20%F0%9F%8E%89')
    expect(percentEncodeHeader("/a/b?c=d&e='f'~!")).toBe("/a/b?c=d&e='f'~!")
    expect(percentEncodeHeader('tab\tnew\nline')).toBe('tab%09new%0Aline')
    for (const text of ['/orders/7 "x" 100%', 'заказы.eu', '🎉']) expect(decodeURIComponent(percentEncodeHeader(text))).toBe(text)
  })
})
