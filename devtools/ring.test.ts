import { describe, expect, it } from 'vitest'
import type { BusEvent } from '../src/core/event'
import type { Provenance } from '../src/core/plugin'
import { createBus } from '../src/core/bus'
import { dataJson, type RecordSource } from './records'
import { Recorder } from './recorder'
import { EventRing } from './ring'

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
    expect(ring.record(0)).toEqual({ n: 0, event: first, arrival: 'received', from: 'other', bridge: 'nats' })
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
