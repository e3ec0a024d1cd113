import { describe, it, expect } from 'vitest'
import { CloudEvent, ValidationError } from 'cloudevents'
import type { BusEvent } from '../core/index'
import { busEvent, invalidError, TIME, viaWire, wireJson } from '../testing/cloud-events'
import { CLOUDEVENTS_CONTENT_TYPE, EXTERNAL_ORIGIN, fromCloudEvent, toCloudEvent } from './event'

// The mapping and its round trips; what fromCloudEvent refuses is in event-invalid.test.ts.

describe('toCloudEvent', () => {
  it('maps every field to its CloudEvents attribute', () => {
    expect(toCloudEvent(busEvent())).toStrictEqual({
      specversion: '1.0',
      id: 'tab1-7',
      source: 'orders.eu',
      type: 'order.created',
      subject: '/orders/123',
      time: '2024-05-01T12:00:00.123Z',
      datacontenttype: 'application/json',
      crossbusorigin: 'tab1',
      crossbusseq: 7,
      data: { order_id: '123', total: 42.5 },
    })
  })

  it('leaves data out when the event has none, and keeps a null payload', () => {
    expect('data' in toCloudEvent(busEvent({ data: undefined }))).toBe(false)
    expect(toCloudEvent(busEvent({ data: null }))).toHaveProperty('data', null)
  })

  it('writes a seq past the CloudEvents 32-bit Integer as a decimal string', () => {
    expect(toCloudEvent(busEvent({ seq: 2_147_483_647 })).crossbusseq).toBe(2_147_483_647)
    expect(toCloudEvent(busEvent({ seq: 2_147_483_648 })).crossbusseq).toBe('2147483648')
  })

  it('names extensions as the spec requires: lowercase a-z0-9, at most 20 characters', () => {
    const standard = ['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'data']
    const extensions = Object.keys(toCloudEvent(busEvent())).filter((name) => !standard.includes(name))
    expect(extensions).toEqual(['crossbusorigin', 'crossbusseq'])
    for (const name of extensions) expect(name).toMatch(/^[a-z0-9]{1,20}$/)
  })

  it('refuses events that cannot make a valid CloudEvent', () => {
    const cases: [Partial<BusEvent>, RegExp][] = [
      [{ id: '' }, /id is empty.*empty id/],
      [{ system: '' }, /system is empty.*empty source/],
      [{ kind: '' }, /kind is empty.*empty type/],
      [{ path: '' }, /path is empty.*empty subject/],
      [{ time: Number.NaN }, /time NaN is not whole epoch milliseconds/],
      [{ time: 1.5 }, /time 1\.5 is not whole epoch milliseconds/],
      [{ time: 253_402_300_800_000 }, /years 0000–9999/],
      [{ seq: -1 }, /seq -1 is not a non-negative integer/],
      [{ seq: 1.5 }, /seq 1\.5 is not a non-negative integer/],
      [{ seq: 2 ** 53 }, /is not a non-negative integer/],
    ]
    for (const [overrides, message] of cases) {
      const error = invalidError(() => toCloudEvent(busEvent(overrides)))
      expect(error.message).toMatch(/^Cannot encode event ".*" as a CloudEvent: /)
      expect(error.message).toMatch(message)
    }
  })
})

describe('round trip through JSON text', () => {
  it('restores an event with data', () => {
    const evt = busEvent()
    expect(viaWire(evt)).toStrictEqual(evt)
  })

  it('restores an event without data as data undefined', () => {
    const evt = busEvent({ data: undefined })
    const back = viaWire(evt)
    expect(back).toStrictEqual(evt)
    expect(back.data).toBeUndefined()
  })

  it('keeps null, false, 0 and "" payloads apart from absent data', () => {
    for (const data of [null, false, 0, '']) expect(viaWire(busEvent({ data })).data).toBe(data)
  })

  it('restores nested data', () => {
    const data = { order: { lines: [{ sku: 'A-1', qty: 2, tags: [] }, { sku: 'B-2', qty: 1, gift: null }] }, flags: [true, false], depth: { a: { b: { c: { d: [1, [2, [3]]] } } } } }
    expect(viaWire(busEvent({ data }))).toStrictEqual(busEvent({ data }))
  })

  it('restores unicode in data, path and ids', () => {
    const evt = busEvent({
      id: 'onglet-é-1',
      origin: 'onglet-é',
      path: '/commandes/été/注文/🛒',
      data: { note: 'naïve café – 東京 – שלום – 👩‍👩‍👧 – \u0000\u2028', 'clé-🔑': 'valeur' },
    })
    expect(viaWire(evt)).toStrictEqual(evt)
  })

  it('keeps time to the millisecond, before and after the epoch', () => {
    for (const time of [0, 1, 999, 1_000, -1, TIME, -62_167_219_200_000, 253_402_300_799_999]) {
      expect(viaWire(busEvent({ time })).time).toBe(time)
    }
  })

  it('restores sequences of every size, written as integer or string', () => {
    for (const seq of [1, 2_147_483_647, 2_147_483_648, Number.MAX_SAFE_INTEGER]) {
      expect(viaWire(busEvent({ seq })).seq).toBe(seq)
    }
  })
})

describe('validity against the official CloudEvents SDK', () => {
  const events = [busEvent(), busEvent({ data: undefined }), busEvent({ data: null }), busEvent({ seq: 2 ** 40 })]

  it('constructs and validates with the extension attributes accepted', () => {
    for (const evt of events) {
      const json = toCloudEvent(evt)
      const cloudEvent = new CloudEvent(json)
      expect(() => cloudEvent.validate()).not.toThrow()
      expect(cloudEvent.validate()).toBe(true)
      expect(cloudEvent['crossbusorigin']).toBe(evt.origin)
      expect(cloudEvent['crossbusseq']).toBe(json.crossbusseq)
    }
  })

  it('would refuse an invalid extension name, so the check above has teeth', () => {
    expect(() => new CloudEvent({ ...toCloudEvent(busEvent()), crossbus_origin: 'tab1' })).toThrow(ValidationError)
  })

  it('reads back what the SDK serialises', () => {
    for (const evt of events) {
      const sdkText = new CloudEvent(toCloudEvent(evt)).toString()
      expect(fromCloudEvent(JSON.parse(sdkText))).toStrictEqual(evt)
    }
  })

  it('uses the media type of the JSON event format', () => {
    expect(CLOUDEVENTS_CONTENT_TYPE).toBe('application/cloudevents+json')
  })
})

describe('fromCloudEvent with CloudEvents from other producers', () => {
  const external = {
    specversion: '1.0',
    id: 'A234-1234-1234',
    source: 'https://github.com/cloudevents/spec/pull',
    type: 'com.github.pull_request.opened',
    subject: '123',
    time: '2018-04-05T17:31:00Z',
    datacontenttype: 'application/json',
    data: { number: 123 },
  }

  it('gives the external origin and the unsequenced seq 0', () => {
    expect(fromCloudEvent(external)).toStrictEqual({
      id: 'A234-1234-1234',
      system: 'https://github.com/cloudevents/spec/pull',
      kind: 'com.github.pull_request.opened',
      path: '123',
      data: { number: 123 },
      time: Date.UTC(2018, 3, 5, 17, 31),
      origin: EXTERNAL_ORIGIN,
      seq: 0,
    })
  })

  it('reads an event the official SDK built', () => {
    const sdkEvent = new CloudEvent({ type: 'com.example.ping', source: '/sensors/7', subject: 'door', data: { open: true } })
    const evt = fromCloudEvent(JSON.parse(sdkEvent.toString()))
    expect(evt).toMatchObject({ id: sdkEvent.id, system: '/sensors/7', kind: 'com.example.ping', path: 'door', data: { open: true }, origin: EXTERNAL_ORIGIN, seq: 0 })
    expect(evt.time).toBe(Date.parse(sdkEvent.time ?? ''))
  })

  it('treats null attributes as absent, as the JSON format requires', () => {
    const evt = fromCloudEvent({ ...external, crossbusorigin: null, crossbusseq: null, dataschema: null })
    expect(evt).toMatchObject({ origin: EXTERNAL_ORIGIN, seq: 0 })
  })

  it('stamps an event without time with the moment of decoding', () => {
    const before = Date.now()
    const evt = fromCloudEvent({ ...external, time: null })
    expect(evt.time).toBeGreaterThanOrEqual(before)
    expect(evt.time).toBeLessThanOrEqual(Date.now())
  })

  it('reads times with offsets and sub-millisecond digits', () => {
    expect(fromCloudEvent({ ...external, time: '2018-04-05T19:31:00.123456+02:00' }).time).toBe(Date.UTC(2018, 3, 5, 17, 31, 0, 123))
  })

  it('refuses crossbusseq 0 beside a crossbusorigin: seq 0 is said by leaving both out', () => {
    for (const seq of [0, '0']) {
      expect(invalidError(() => fromCloudEvent(wireJson({ crossbusseq: seq }))).message).toMatch(/crossbusseq must be a positive integer, got "0"/)
    }
  })

  it('writes an event no bus sequenced without the crossbus extensions, so it reads back as it came', () => {
    const json = toCloudEvent(fromCloudEvent(external))
    expect(json).not.toHaveProperty('crossbusorigin')
    expect(json).not.toHaveProperty('crossbusseq')
    expect(fromCloudEvent(JSON.parse(JSON.stringify(json)))).toStrictEqual(fromCloudEvent(external))
  })

  it('accepts crossbusseq as a decimal string, as binary-mode transports deliver it', () => {
    expect(fromCloudEvent(wireJson({ crossbusseq: '42' })).seq).toBe(42)
  })

  it('keeps the string data of a non-JSON content type, and leaves absent data undefined', () => {
    expect(fromCloudEvent({ ...external, datacontenttype: 'application/xml', data: '<much wow="xml"/>' }).data).toBe('<much wow="xml"/>')
    const { data: _data, ...withoutData } = external
    const evt = fromCloudEvent(withoutData)
    expect(evt.data).toBeUndefined()
  })

  it('builds only the bus event fields, dropping other attributes', () => {
    const evt = fromCloudEvent({ ...external, dataschema: 'https://example.com/schema', comexampleextension1: 'value' })
    expect(Object.keys(evt).sort()).toEqual(['data', 'id', 'kind', 'origin', 'path', 'seq', 'system', 'time'])
  })
})
