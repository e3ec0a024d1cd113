import { describe, it, expect } from 'vitest'
import { busEvent, invalidError, TIME, wireJson, without } from '../testing/cloud-events'
import { fromCloudEvent, toCloudEvent } from './event'

// What fromCloudEvent refuses, and how it names the attribute at fault.

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
