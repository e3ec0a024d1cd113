import { describe, expect, it } from 'vitest'
import { BusError } from '../core/index'
import { watched } from '../testing/watched-array'
import { createEnvelopeReader, isPlainRecord } from './envelope-reader'

const read = createEnvelopeReader()
const FROM = 'abc123def456gh'

function events(...list: unknown[]): unknown {
  return { v: 1, type: 'events', from: FROM, events: list }
}

function codeOf(raw: unknown): string | undefined {
  const result = read(raw)
  return result instanceof BusError ? result.code : undefined
}

describe('envelope reader', () => {
  it('checks every sender id, also right after a valid one (it remembers only the last that passed)', () => {
    const reader = createEnvelopeReader()
    expect(reader({ v: 1, type: 'bye', from: FROM })).toMatchObject({ type: 'bye', from: FROM })
    for (const from of ['', 'ABC', 'a'.repeat(65), `${FROM}!`]) expect(reader({ v: 1, type: 'bye', from })).toMatchObject({ code: 'SYNC_MALFORMED_MESSAGE' })
    expect(reader({ v: 1, type: 'bye', from: FROM })).toMatchObject({ type: 'bye', from: FROM })
  })

  it('rebuilds events as fresh objects with id and origin from the envelope', () => {
    const result = read(events([1, 'orders', 'order.created', '/orders/1', 1000, { total: 1 }], [2, 'orders', 'order.paid', '/orders/1', 1001, undefined]))
    expect(result).toEqual({
      v: 1,
      type: 'events',
      from: FROM,
      events: [
        { id: `${FROM}-1`, system: 'orders', kind: 'order.created', path: '/orders/1', data: { total: 1 }, time: 1000, origin: FROM, seq: 1 },
        { id: `${FROM}-2`, system: 'orders', kind: 'order.paid', path: '/orders/1', data: undefined, time: 1001, origin: FROM, seq: 2 },
      ],
      sizes: [expect.any(Number), expect.any(Number)],
    })
  })

  it('reads presence messages', () => {
    expect(read({ v: 1, type: 'hello', from: FROM, kind: 'worker', since: 5, ask: true })).toEqual({ v: 1, type: 'hello', from: FROM, kind: 'worker', since: 5, ask: true })
    expect(read({ v: 1, type: 'here', from: FROM, kind: 'iframe', since: 5 })).toEqual({ v: 1, type: 'here', from: FROM, kind: 'iframe', since: 5 })
    expect(read({ v: 1, type: 'bye', from: FROM })).toEqual({ v: 1, type: 'bye', from: FROM })
  })

  it.each([
    ['a string', 'garbage'],
    ['null', null],
    ['an array', [1, 2]],
    ['no version', { type: 'bye', from: FROM }],
    ['a string version', { v: '1', type: 'bye', from: FROM }],
    ['an unknown type', { v: 1, type: 'shout', from: FROM }],
    ['a bad origin id', { v: 1, type: 'bye', from: 'not an id!' }],
    ['no events', events()],
    ['events not an array', { v: 1, type: 'events', from: FROM, events: {} }],
    ['a short tuple', events([1, 'orders', 'order.created', '/o'])],
    ['an object event', events({ seq: 1, system: 'orders', kind: 'k', path: '/o', time: 1, data: 1 })],
    ['a zero seq', events([0, 'orders', 'k', '/o', 1, null])],
    ['a fractional seq', events([1.5, 'orders', 'k', '/o', 1, null])],
    ['seqs out of order', events([2, 'orders', 'k', '/o', 1, null], [1, 'orders', 'k', '/o', 1, null])],
    ['a glob system', events([1, 'orders.*', 'k', '/o', 1, null])],
    ['an empty path', events([1, 'orders', 'k', '', 1, null])],
    ['a NaN time', events([1, 'orders', 'k', '/o', Number.NaN, null])],
    ['an unknown peer kind', { v: 1, type: 'hello', from: FROM, kind: 'robot', since: 1, ask: false }],
    ['a hello without ask', { v: 1, type: 'hello', from: FROM, kind: 'window', since: 1 }],
  ])('drops %s as SYNC_MALFORMED_MESSAGE', (_, raw) => {
    expect(codeOf(raw)).toBe('SYNC_MALFORMED_MESSAGE')
  })

  it('refuses a newer version by name', () => {
    const result = read({ v: 2, type: 'events', from: FROM, events: [] })
    expect(result).toBeInstanceOf(BusError)
    expect(result).toMatchObject({ kind: 'INVALID', code: 'SYNC_UNSUPPORTED_VERSION', retryable: false })
  })

  it('drops __proto__, constructor and prototype keys on the envelope and in data, polluting nothing', () => {
    expect(codeOf(JSON.parse(`{"v":1,"type":"bye","from":"${FROM}","__proto__":{"polluted":true}}`))).toBe('SYNC_MALFORMED_MESSAGE')
    expect(codeOf(JSON.parse(`{"v":1,"type":"bye","from":"${FROM}","constructor":{"prototype":{"polluted":true}}}`))).toBe('SYNC_MALFORMED_MESSAGE')
    const payload = JSON.parse('{"nested":{"__proto__":{"polluted":true}}}') as unknown
    expect(codeOf(events([1, 'orders', 'k', '/o', 1, payload]))).toBe('SYNC_MALFORMED_MESSAGE')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('refuses a whole message when one of its events is bad', () => {
    expect(codeOf(events([1, 'orders', 'k', '/o', 1, null], [2, '', 'k', '/o', 1, null]))).toBe('SYNC_MALFORMED_MESSAGE')
  })

  it('refuses an injected event whose id or origin is longer than 512 characters', () => {
    const injected = (id: string, origin: string) => ({ v: 1, type: 'injected', from: FROM, bridge: 'nats', events: [[id, origin, 0, 'orders', 'k', '/o', 1, null]] })
    expect(codeOf(injected('x'.repeat(513), 'broker'))).toBe('SYNC_MALFORMED_MESSAGE')
    expect(codeOf(injected('ce-1', 'b'.repeat(513)))).toBe('SYNC_MALFORMED_MESSAGE')
    expect(codeOf(injected('x'.repeat(512), 'broker'))).toBeUndefined()
  })

  it('refuses a time no event can have: past year 9999, before year 0000, or not whole milliseconds', () => {
    for (const time of [1e20, -1e20, 1.5]) expect(codeOf(events([1, 'orders', 'k', '/o', time, null]))).toBe('SYNC_MALFORMED_MESSAGE')
    expect(codeOf(events([1, 'orders', 'k', '/o', 253_402_300_799_999, null]))).toBeUndefined()
  })

  describe('bounds on receipt', () => {
    const bounded = createEnvelopeReader({ maxEventBytes: 1000 })
    const tiny = (seq: number) => [seq, 'orders', 'k', '/o', 1, null]
    const injected = (i: number) => [`id-${i}`, 'broker', i, 'orders', 'k', '/o', 1, null]
    const codeWith = (raw: unknown) => {
      const result = bounded(raw)
      return result instanceof BusError ? result.code : undefined
    }

    it('drops a message with an event over maxEventBytes as SYNC_TOO_LARGE, measured as the sender does', () => {
      expect(codeWith(events(tiny(1), [2, 'orders', 'k', '/o', 1, 'x'.repeat(1000)]))).toBe('SYNC_TOO_LARGE')
      expect(codeWith(events([1, 'orders', 'k', '/o', 1, 'x'.repeat(800)]))).toBeUndefined()
      expect(codeWith({ v: 1, type: 'injected', from: FROM, bridge: 'nats', events: [[`id`, 'broker', 0, 'orders', 'k', '/o', 1, 'x'.repeat(1000)]] })).toBe('SYNC_TOO_LARGE')
      // An id that long is refused before its size is weighed: identities are at most 512 characters.
      expect(codeWith({ v: 1, type: 'injected', from: FROM, bridge: 'nats', events: [['i'.repeat(2000), 'broker', 0, 'orders', 'k', '/o', 1, null]] })).toBe('SYNC_MALFORMED_MESSAGE')
    })

    it('drops a message of more than 10,000 events, or larger than a batch, as SYNC_TOO_LARGE', () => {
      const reader = createEnvelopeReader({ maxEventBytes: 1024 * 1024 })
      const codeOfBig = (raw: unknown) => (reader(raw) as BusError).code
      expect(read(events(...Array.from({ length: 10_000 }, (_, i) => tiny(i + 1))))).not.toBeInstanceOf(BusError)
      expect(codeOfBig(events(...Array.from({ length: 10_001 }, (_, i) => tiny(i + 1))))).toBe('SYNC_TOO_LARGE')
      expect(codeOfBig({ v: 1, type: 'injected', from: FROM, bridge: 'nats', events: Array.from({ length: 10_001 }, (_, i) => injected(i)) })).toBe('SYNC_TOO_LARGE')
      // Three events of 600 KiB: each within maxEventBytes, together more than the sender ever batches.
      const big = (seq: number) => [seq, 'orders', 'k', '/o', 1, 'x'.repeat(600 * 1024)]
      expect(codeOfBig(events(big(1), big(2), big(3)))).toBe('SYNC_TOO_LARGE')
      expect(reader(events(big(1)))).not.toBeInstanceOf(BusError)
    })

    it("reads the sender's first post, if the envelope has it", () => {
      expect(read({ ...(events(tiny(3)) as object), first: [1, 500] })).toMatchObject({ first: { seq: 1, time: 500 } })
      expect(codeOf({ ...(events(tiny(3)) as object), first: [0, 500] })).toBe('SYNC_MALFORMED_MESSAGE')
      expect(codeOf({ ...(events(tiny(3)) as object), first: 'soon' })).toBe('SYNC_MALFORMED_MESSAGE')
    })
  })

  it('refuses a sparse array of length 1e8 without reading its slots, as SYNC_TOO_LARGE', () => {
    const sparse: unknown[] = []
    sparse.length = 1e8
    const { array, touches } = watched(sparse)
    expect(codeOf(events([1, 'orders', 'k', '/o', 1, { list: array }]))).toBe('SYNC_TOO_LARGE')
    expect(touches()).toBe(0)
    // The same watch sees a small array read, so the count above can fail.
    const small = watched([1, 2])
    codeOf(events([1, 'orders', 'k', '/o', 1, { list: small.array }]))
    expect(small.touches()).toBeGreaterThan(0)
  })
})

describe('isPlainRecord', () => {
  it('is a record with a plain prototype and no unsafe own key', () => {
    expect(isPlainRecord({ a: 1 })).toBe(true)
    expect(isPlainRecord(Object.create(null))).toBe(true)
    expect(isPlainRecord([])).toBe(false)
    expect(isPlainRecord(new Date())).toBe(false)
    expect(isPlainRecord(JSON.parse('{"__proto__":{}}'))).toBe(false)
    expect(isPlainRecord({ prototype: 1 })).toBe(false)
  })
})
