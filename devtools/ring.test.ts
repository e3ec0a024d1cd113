import { describe, expect, it } from 'vitest'
import { createBus, type BusEvent, type Provenance } from '../src/core/index'
import { dataJson, type RecordSource } from './records'
import { Recorder } from './recorder'
import { checkDevtoolsOptions, DEFAULT_MAX_BUFFER_BYTES } from './options'
import { EventRing } from './ring'
import { estimateBytes } from './size'

const event = (path: string, data?: unknown): BusEvent => ({ id: `o-${path}`, system: 's', kind: 'k', path, data, time: 0, origin: 'o', seq: 1 })
const sent: RecordSource = { arrival: 'sent', from: 'o', bridge: undefined }
const paths = (ring: EventRing, from: number, to: number) => Array.from({ length: to - from }, (_, i) => ring.event(from + i)?.path)

describe('EventRing', () => {
  it('keeps the latest events under their numbers and forgets the oldest first', () => {
    const ring = new EventRing(3)
    for (const path of ['a', 'b', 'c', 'd', 'e']) ring.push(event(path), sent)
    expect([ring.first, ring.end, ring.size]).toEqual([2, 5, 3])
    expect(paths(ring, 0, 6)).toEqual([undefined, undefined, 'c', 'd', 'e', undefined])
    expect(ring.source(4)).toBe(sent)
    expect(ring.source(1)).toBeUndefined()
  })

  it('builds a row only when asked, from the event and its source as they were pushed', () => {
    const ring = new EventRing(2)
    const received: RecordSource = { arrival: 'received', from: 'other', bridge: 'nats' }
    const first = event('a')
    ring.push(first, received)
    expect(ring.record(0)).toEqual({ n: 0, event: first, arrival: 'received', from: 'other', bridge: 'nats', bytes: expect.any(Number) })
    expect(ring.record(0)!.event).toBe(first)
    expect(ring.record(1)).toBeUndefined()
  })

  it('clears without reusing numbers, and fills again from the start', () => {
    const ring = new EventRing(2)
    ring.push(event('a'), sent)
    ring.push(event('b'), sent)
    ring.push(event('c'), sent)
    ring.clear()
    expect([ring.first, ring.end, ring.size, ring.event(2)]).toEqual([3, 3, 0, undefined])
    expect(ring.push(event('d'), sent)).toBe(3)
    ring.push(event('e'), sent)
    ring.push(event('f'), sent)
    expect([ring.first, ring.size]).toEqual([4, 2])
    expect(paths(ring, 2, 7)).toEqual([undefined, undefined, 'e', 'f', undefined])
  })

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new EventRing(0)).toThrow('A ring needs a positive integer capacity, got 0.')
    expect(() => new EventRing(1.5)).toThrow(RangeError)
  })

  it('bounds what it holds by estimated bytes too: a flood of large events keeps the latest within maxBytes, forgetting the oldest first', () => {
    const MiB = 1024 * 1024
    const ring = new EventRing(10_000, 4 * MiB)
    const big = (n: number) => event(`/big/${n}`, { blob: 'x'.repeat(MiB), n })
    for (let n = 0; n < 100; n++) ring.push(big(n), sent)
    // Each event is a bit over 1 MiB: three fit in 4 MiB, not a hundred (nor the 10,000 the count allows).
    expect([ring.first, ring.end, ring.size]).toEqual([97, 100, 3])
    expect(paths(ring, 96, 100)).toEqual([undefined, '/big/97', '/big/98', '/big/99'])
    expect(ring.record(96)).toBeUndefined()
    expect(ring.bytes).toBeGreaterThan(3 * MiB)
    expect(ring.bytes).toBeLessThanOrEqual(4 * MiB)
    // Small events after them push the large ones out, oldest first, and then the count bounds again.
    for (let n = 0; n < 20_000; n++) ring.push(event(`/small/${n}`, { n }), sent)
    expect(ring.size).toBe(10_000)
    expect(ring.event(ring.first)!.path).toBe('/small/10000')
    expect(ring.bytes).toBeLessThan(4 * MiB)
  })

  it('keeps the newest event even when it alone is over maxBytes, and forgets its bytes with it', () => {
    const ring = new EventRing(10, 1000)
    ring.push(event('a', 'x'.repeat(10)), sent)
    ring.push(event('huge', 'x'.repeat(5000)), sent)
    expect([ring.first, ring.size, ring.event(1)!.path]).toEqual([1, 1, 'huge'])
    ring.push(event('b', 'x'.repeat(10)), sent)
    expect([ring.first, ring.size]).toEqual([2, 1])
    expect(ring.bytes).toBeLessThan(1000)
    ring.clear()
    expect([ring.size, ring.bytes]).toEqual([0, 0])
  })

  it('measures sizes off the push, in one batch the scheduler runs, and holds the byte budget once it has run', () => {
    const MiB = 1024 * 1024
    const pending: Array<() => void> = []
    const ring = new EventRing(1000, 2 * MiB, (settle) => void pending.push(settle))
    for (let n = 0; n < 10; n++) ring.push(event(`/big/${n}`, 'x'.repeat(MiB)), sent)
    // One batch asked for the whole burst; nothing measured or forgotten by the pushes themselves.
    expect([pending.length, ring.unmeasured, ring.end]).toEqual([1, 10, 10])
    pending.shift()!()
    expect([ring.unmeasured, ring.first, ring.size]).toEqual([0, 9, 1])
    expect(ring.bytes).toBeGreaterThan(MiB)
    // The next push asks for a new batch; reading a bound settles at once, before it runs.
    ring.push(event('/small', 1), sent)
    expect(pending.length).toBe(1)
    expect([ring.size, ring.unmeasured]).toEqual([2, 0])
    pending.shift()!()
    expect(ring.size).toBe(2)
  })

  it('forgets by count events not measured yet without counting their bytes', () => {
    const pending: Array<() => void> = []
    const ring = new EventRing(3, 10_000, (settle) => void pending.push(settle))
    for (const path of ['a', 'b', 'c', 'd', 'e']) ring.push(event(path), sent)
    pending.shift()!()
    expect([ring.first, ring.size, ring.forgotten]).toEqual([2, 3, 2])
    let sum = 0
    for (let n = ring.first; n < ring.end; n++) sum += ring.record(n)!.bytes
    expect(ring.bytes).toBe(sum)
  })

  it('refuses a byte budget that is not a positive integer', () => {
    expect(() => new EventRing(10, 0)).toThrow('A ring needs a positive integer byte budget, got 0.')
    expect(() => new EventRing(10, Number.POSITIVE_INFINITY)).toThrow(RangeError)
  })
})

describe('estimateBytes', () => {
  it('is about the JSON size of plain data, without walking all of a large one', () => {
    const json = (value: unknown) => JSON.stringify(value).length
    const samples: unknown[] = [
      'x'.repeat(100_000),
      { order: { id: 7, lines: [{ sku: 'A1', qty: 2 }] }, total: 12.5 },
      Array.from({ length: 1_000_000 }, (_, i) => i),
      Array.from({ length: 100_000 }, (_, i) => ({ id: i, name: `item ${i}`, tags: ['a', 'b'] })),
      { rows: Array.from({ length: 50_000 }, () => 'y'.repeat(40)) },
    ]
    for (const sample of samples) {
      const estimate = estimateBytes(sample)
      expect(estimate, JSON.stringify(sample).slice(0, 40)).toBeGreaterThan(json(sample) / 3)
      expect(estimate, JSON.stringify(sample).slice(0, 40)).toBeLessThan(json(sample) * 3)
    }
    expect(estimateBytes(new Uint8Array(123_456))).toBeGreaterThanOrEqual(123_456)
    expect(estimateBytes(new Map([['k', 'v'.repeat(10_000)]]))).toBeGreaterThan(10_000)
    expect(estimateBytes(undefined)).toBe(0)
  }, 30_000) // building and printing a million-number array is slow on a shared machine; the estimate itself is not

  it('sees a long string beside a long array, and the last of many entries: one large entry cannot use up the walk', () => {
    const KiB = 1024
    const numbers = Array.from({ length: 1000 }, (_, i) => i)
    const shapes: unknown[] = [
      { a: numbers, b: 'x'.repeat(990 * KiB) },
      { a: { deep: numbers }, b: { c: 'x'.repeat(990 * KiB) } },
      [...numbers, 'x'.repeat(990 * KiB)],
    ]
    for (const shape of shapes) expect(estimateBytes(shape)).toBeGreaterThan(990 * KiB)
  })

  it('keeps the ring within its byte budget for events a first walk of their data would underrate', () => {
    const MiB = 1024 * 1024
    const ring = new EventRing(10_000, 32 * MiB)
    const numbers = Array.from({ length: 1000 }, (_, i) => i)
    const text = 'x'.repeat(990 * 1024)
    for (let n = 0; n < 200; n++) ring.push(event(`/e/${n}`, { a: numbers, b: text }), sent)
    let held = 0
    for (let n = ring.first; n < ring.end; n++) held += JSON.stringify(ring.event(n)!.data).length
    expect(held).toBeLessThanOrEqual(32 * MiB)
    expect(ring.size).toBeGreaterThan(20)
  })

  it('never throws and always ends: cycles, getters that throw, revoked proxies, objects without prototype', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' }
    cyclic.self = cyclic
    const throwing = { get boom(): never { throw new Error('boom') } }
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    for (const value of [cyclic, throwing, proxy, Object.assign(Object.create(null) as object, { n: 1n }), [cyclic, cyclic], Symbol('s'), () => 1]) {
      const estimate = estimateBytes(value)
      expect(Number.isFinite(estimate) && estimate >= 0).toBe(true)
    }
    expect(estimateBytes(cyclic)).toBeLessThan(1_000_000)
  })
})

describe('dataJson', () => {
  it('is the data as JSON, worked out once per event, and never throws', () => {
    const data = { total: 5 }
    const once = event('a', data)
    expect(dataJson(once)).toBe('{"total":5}')
    data.total = 6 // events are immutable; the first answer stands
    expect(dataJson(once)).toBe('{"total":5}')
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(dataJson(event('b', cyclic))).toBe('[object Object]')
    expect(dataJson(event('c', 10n))).toBe('10')
    expect(dataJson(event('d'))).toBe('')
  })
})

describe('checkDevtoolsOptions', () => {
  const bus = { use: () => ({ detach: async () => {} }) }
  it('bounds the table by 32 MiB of events unless told otherwise, and refuses a maxBufferBytes that is no positive integer', () => {
    expect(DEFAULT_MAX_BUFFER_BYTES).toBe(32 * 1024 * 1024)
    expect(checkDevtoolsOptions(bus).maxBufferBytes).toBe(DEFAULT_MAX_BUFFER_BYTES)
    expect(checkDevtoolsOptions(bus, { maxBufferBytes: 1024 }).maxBufferBytes).toBe(1024)
    for (const maxBufferBytes of [0, -1, 1.5, '1MB', Number.NaN]) {
      expect(() => checkDevtoolsOptions(bus, { maxBufferBytes })).toThrow('mountDevtools: `maxBufferBytes` must be a positive integer.')
    }
  })

  it('takes the bus first and refuses anything else there, or an options object with an unknown name', () => {
    expect(() => checkDevtoolsOptions({ bus })).toThrow('mountDevtools: the first argument must be a bus made by createBus')
    expect(() => checkDevtoolsOptions(undefined)).toThrow('got undefined')
    expect(() => checkDevtoolsOptions(bus, { maxBytes: 1024 })).toThrow('mountDevtools: unknown option "maxBytes"')
    expect(checkDevtoolsOptions(bus, { open: true, position: 'top-left' })).toMatchObject({ bus, open: true, position: 'top-left' })
  })
})

describe('Recorder', () => {
  it('keeps each event with the provenance the bus gave, and tells the UI once until it looks', async () => {
    const bus = createBus({ name: 'recorder-test' })
    const recorder = new Recorder(10)
    const provenances: Provenance[] = []
    bus.use({ name: 'spy', setup: () => ({ event: (_event, provenance) => void provenances.push(provenance) }) })
    bus.use(recorder.plugin())
    let told = 0
    recorder.onChange = () => told++
    const a = bus.send('orders', 'order.created', '/orders/1', { n: 1 })
    const b = bus.send('orders', 'order.created', '/orders/2', { n: 2 })
    expect(told).toBe(1)
    expect([recorder.events.event(0), recorder.events.event(1)]).toEqual([a, b])
    expect(recorder.events.event(0)).toBe(a)
    // The bus's own provenance object, not a copy.
    expect(recorder.events.source(1)).toBe(provenances[1])
    expect(recorder.events.record(1)).toMatchObject({ arrival: 'sent', from: bus.origin, bridge: undefined })

    recorder.looked()
    bus.send('orders', 'order.created', '/orders/3')
    bus.send('orders', 'order.created', '/orders/4')
    expect(told).toBe(2)
    recorder.add(event('/imported'), { arrival: 'imported', from: 'elsewhere', bridge: undefined })
    expect(told).toBe(2)
    expect(recorder.events.record(4)).toMatchObject({ arrival: 'imported', from: 'elsewhere' })
    await bus.close()
  })
})
