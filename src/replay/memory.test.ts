import { describe, expect, it } from 'vitest'
import type { BusEvent } from '../core/event'
import { MemoryReplayStore } from './memory'

function event(origin: string, seq: number, time: number): BusEvent {
  return { id: `${origin}-${seq}`, system: 'orders', kind: 'order.created', path: `/orders/${seq}`, data: { seq }, time, origin, seq }
}
const ids = (events: readonly BusEvent[]) => events.map((e) => e.id)

describe('MemoryReplayStore', () => {
  it('keeps events in (time, origin, seq) order whatever order they are written in', async () => {
    const store = new MemoryReplayStore()
    await store.write([event('b', 1, 10), event('a', 2, 20)])
    await store.write([event('a', 1, 10), event('b', 2, 30), event('a', 3, 20)])
    expect(ids(await store.read({}))).toEqual(['a-1', 'b-1', 'a-2', 'a-3', 'b-2'])
  })

  it('stores each event once, however often it is written', async () => {
    const store = new MemoryReplayStore()
    const e = event('a', 1, 10)
    await store.write([e, e])
    await store.write([{ ...e }])
    expect(store.size).toBe(1)
  })

  it('reads from a time on, and the last N of that range', async () => {
    const store = new MemoryReplayStore()
    await store.write([1, 2, 3, 4, 5].map((n) => event('a', n, n * 10)))
    expect(ids(await store.read({ since: 30 }))).toEqual(['a-3', 'a-4', 'a-5'])
    expect(ids(await store.read({ last: 2 }))).toEqual(['a-4', 'a-5'])
    expect(ids(await store.read({ since: 40, last: 5 }))).toEqual(['a-4', 'a-5'])
    expect(await store.read({ last: 0 })).toEqual([])
  })

  it('trims to maxEvents and maxAgeMs, and forgets trimmed ids', async () => {
    const store = new MemoryReplayStore()
    await store.write([1, 2, 3, 4, 5, 6].map((n) => event('a', n, n * 10)))
    await store.trim({ maxEvents: 4, maxAgeMs: 1000 }, 1000)
    expect(ids(await store.read({}))).toEqual(['a-3', 'a-4', 'a-5', 'a-6'])
    await store.trim({ maxEvents: 100, maxAgeMs: 50 }, 100)
    expect(ids(await store.read({}))).toEqual(['a-5', 'a-6'])
    await store.write([event('a', 1, 10)])
    expect(store.size).toBe(3)
  })
})
