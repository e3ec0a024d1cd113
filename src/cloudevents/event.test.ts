import { describe, it, expect } from 'vitest'
import { CloudEvent, ValidationError } from 'cloudevents'
import { BusError, type BusEvent } from '../core/index'
import { CLOUDEVENTS_CONTENT_TYPE, EXTERNAL_ORIGIN, fromCloudEvent, toCloudEvent } from './event'

const TIME = Date.UTC(2024, 4, 1, 12, 0, 0, 123)

function busEvent(overrides: Partial<BusEvent> = {}): BusEvent {
  return {
    id: 'tab1-7',
    system: 'orders.eu',
    kind: 'order.created',
    path: '/orders/123',
    data: { order_id: '123', total: 42.5 },
    time: TIME,
    origin: 'tab1',
    seq: 7,
    ...overrides,
  }
}

// What a crossbus CloudEvent looks like once it has crossed the wire.
function wireJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...JSON.parse(JSON.stringify(toCloudEvent(busEvent()))), ...overrides }
}

function without(name: string): Record<string, unknown> {
  const json = wireJson()
  delete json[name]
  return json
}

function viaWire(evt: BusEvent): BusEvent {
  return fromCloudEvent(JSON.parse(JSON.stringify(toCloudEvent(evt))))
}

function invalidError(run: () => unknown): BusError {
  try {
    run()
  } catch (err) {
    expect(err).toBeInstanceOf(BusError)
    const error = err as BusError
    expect(error.kind).toBe('INVALID')
    expect(error.code).toBe('CLOUDEVENT_INVALID')
    expect(error.retryable).toBe(false)
    return error
  }
  throw new Error('expected a BusError, but nothing was thrown')
}

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

describe('fromCloudEvent refuses invalid input', () => {
  it('that is not an object', () => {
    expect(invalidError(() => fromCloudEvent(null)).message).toBe('Invalid CloudEvent: expected a JSON object, got null.')
    expect(invalidError(() => fromCloudEvent(undefined)).message).toMatch(/expected a JSON object, got undefined/)
    expect(invalidError(() => fromCloudEvent(42)).message).toMatch(/expected a JSON object, got number/)
    expect(invalidError(() => fromCloudEvent([wireJson()])).message).toMatch(/expected a JSON object, got an array/)
    // A class instance or a null-prototype object is an object as JSON sees it: read by its own attributes.
    expect(fromCloudEvent(Object.assign(Object.create(null) as object, wireJson())).id).toBe('tab1-7')
  })

  it('that is JSON text, pointing at JSON.parse', () => {
    const text = JSON.stringify(toCloudEvent(busEvent()))
    expect(invalidError(() => fromCloudEvent(text)).message).toMatch(/got string \(parse JSON text with JSON\.parse first\)/)
  })

  it('with a missing or wrong specversion', () => {
    expect(invalidError(() => fromCloudEvent(without('specversion'))).message).toMatch(/specversion must be "1\.0", got undefined/)
    expect(invalidError(() => fromCloudEvent(wireJson({ specversion: '0.3' }))).message).toMatch(/specversion must be "1\.0", got "0\.3"/)
    expect(invalidError(() => fromCloudEvent(wireJson({ specversion: 1 }))).message).toMatch(/specversion must be "1\.0", got number/)
  })

  it('with a missing, empty or non-string id, source, type or subject', () => {
    for (const name of ['id', 'source', 'type', 'subject']) {
      expect(invalidError(() => fromCloudEvent(without(name))).message).toMatch(new RegExp(`: ${name} is missing`))
      expect(invalidError(() => fromCloudEvent(wireJson({ [name]: null }))).message).toMatch(new RegExp(`: ${name} is missing`))
      expect(invalidError(() => fromCloudEvent(wireJson({ [name]: '' }))).message).toMatch(new RegExp(`: ${name} is empty`))
      expect(invalidError(() => fromCloudEvent(wireJson({ [name]: 7 }))).message).toMatch(new RegExp(`: ${name} must be a string, got number`))
    }
  })

  it('with no subject, explaining what crossbus needs it for', () => {
    expect(invalidError(() => fromCloudEvent(without('subject'))).message).toBe(
      'Invalid CloudEvent "tab1-7": subject is missing; crossbus needs it as the event path, e.g. "/orders/123".',
    )
  })

  it('with a bad time', () => {
    for (const time of ['yesterday', '2024-02-30T00:00:00Z', '2024-05-01 12:00:00Z', '2024-05-01T12:00:00']) {
      expect(invalidError(() => fromCloudEvent(wireJson({ time }))).message).toMatch(/time ".*" is not an RFC 3339 timestamp such as "2024-05-01T12:00:00.000Z"/)
    }
    expect(invalidError(() => fromCloudEvent(wireJson({ time: TIME }))).message).toMatch(/time must be an RFC 3339 string, got number/)
  })

  it('with a missing or non-integer crossbusseq', () => {
    expect(invalidError(() => fromCloudEvent(without('crossbusseq'))).message).toMatch(/crossbusseq is missing while crossbusorigin is set/)
    for (const seq of [1.5, -1, 2 ** 53, '1.5', '-1', '007', '', 'seven']) {
      expect(invalidError(() => fromCloudEvent(wireJson({ crossbusseq: seq }))).message).toMatch(/crossbusseq must be a positive integer, got ".*"/)
    }
    for (const [seq, type] of [[true, 'boolean'], [{}, 'object'], [[1], 'an array']] as const) {
      expect(invalidError(() => fromCloudEvent(wireJson({ crossbusseq: seq }))).message).toMatch(`crossbusseq must be a positive integer, got ${type}`)
    }
  })

  it('with a missing or non-string crossbusorigin', () => {
    expect(invalidError(() => fromCloudEvent(without('crossbusorigin'))).message).toMatch(/crossbusorigin is missing while crossbusseq is set/)
    expect(invalidError(() => fromCloudEvent(wireJson({ crossbusorigin: 42 }))).message).toMatch(/crossbusorigin must be a string, got number/)
  })

  it('with binary data_base64', () => {
    const json = { ...without('data'), datacontenttype: 'application/octet-stream', data_base64: 'Zm9vYg==' }
    expect(invalidError(() => fromCloudEvent(json)).message).toMatch(/data_base64 \(binary data\) is not supported/)
  })

  it('naming the event id once it is known, and shortening long values', () => {
    expect(invalidError(() => fromCloudEvent(wireJson({ time: 'x'.repeat(500) }))).message).toMatch(/^Invalid CloudEvent "tab1-7": time "x{60}…" is not/)
  })
})

describe('fromCloudEvent and prototype pollution', () => {
  // Written as text: an object literal would treat `__proto__` as the prototype, not as a key.
  const hostile = `{
    "__proto__": { "polluted": "top" },
    "constructor": { "prototype": { "polluted": "ctor" } },
    "specversion": "1.0", "id": "tab1-7", "source": "orders.eu", "type": "order.created",
    "subject": "/orders/123", "time": "2024-05-01T12:00:00.123Z",
    "crossbusorigin": "tab1", "crossbusseq": 7,
    "data": { "nested": { "__proto__": { "polluted": "data" } } }
  }`

  it('leaves Object.prototype alone and builds a plain event of the known fields', () => {
    const json: unknown = JSON.parse(hostile)
    expect(Object.hasOwn(json as object, '__proto__')).toBe(true)
    const evt = fromCloudEvent(json)
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
    expect(Object.getPrototypeOf(evt)).toBe(Object.prototype)
    expect(Object.keys(evt).sort()).toEqual(['data', 'id', 'kind', 'origin', 'path', 'seq', 'system', 'time'])
    expect((evt as unknown as Record<string, unknown>)['polluted']).toBeUndefined()
    // The payload is passed on as parsed, never merged into anything.
    const nested = (evt.data as { nested: object }).nested
    expect(Object.hasOwn(nested, '__proto__')).toBe(true)
    expect(Object.getPrototypeOf(nested)).toBe(Object.prototype)
  })

  it('reads own attributes only, never inherited ones', () => {
    const inherited = Object.create(wireJson()) as object
    expect(invalidError(() => fromCloudEvent(inherited)).message).toMatch(/specversion must be "1\.0", got undefined/)
  })
})
