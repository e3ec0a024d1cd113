import { describe, expect, it } from 'vitest'
import type { BusEvent } from '../core/index'
import { MemoryReplayStore } from './memory'
import type { StoredRange } from './store'

function event(origin: string, seq: number, time: number, system = 'orders'): BusEvent {
  return { id: `${origin}-${seq}`, system, kind: 'order.created', path: `/orders/${seq}`, data: { seq }, time, origin, seq }
}
/** An event a bridge brought in from outside the origin: no seq of ours, identified by source and id. */
function injected(system: string, id: string, time: number): BusEvent {
  return { id, system, kind: 'order.created', path: '/orders/x', data: undefined, time, origin: 'external', seq: 0 }
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
    await store.trim({ maxEvents: 4, maxAgeMs: 1000 }, 1000, 'self')
    expect(ids(await store.read({}))).toEqual(['a-3', 'a-4', 'a-5', 'a-6'])
    await store.trim({ maxEvents: 100, maxAgeMs: 15 }, 60, 'self')
    expect(ids(await store.read({}))).toEqual(['a-5', 'a-6'])
    await store.write([event('a', 1, 10)])
    expect(store.size).toBe(3)
  })

  it("measures age against the newest event of another context when this context's clock runs ahead", async () => {
    const store = new MemoryReplayStore()
    const day = 24 * 60 * 60 * 1000
    await store.write([1, 2, 3].map((n) => event('a', n, n * 1000)))
    // This context's clock is two days ahead, and it stored events stamped with it.
    const ahead = 3000 + 2 * day
    await store.write([event('self', 1, ahead), event('self', 2, ahead + 1)])
    await store.trim({ maxEvents: 100, maxAgeMs: day }, ahead + 1, 'self')
    expect(store.size).toBe(5)
    // The others' clock decides: a day after their newest event, theirs expire.
    await store.trim({ maxEvents: 100, maxAgeMs: day }, 3000 + day + 1500, 'b')
    expect(ids(await store.read({}))).toEqual(['self-1', 'self-2'])
  })

  it('reads only the systems asked for, in store order, each event once even where ranges overlap', async () => {
    const store = new MemoryReplayStore()
    const systems = ['orders', 'orders.eu', 'ordersx', 'users', 'orders.eu.west']
    await store.write(systems.map((system, i) => event('a', i + 1, 10 + i, system)))
    const read = async (range: StoredRange) => (await store.read(range)).map((e) => e.system)
    expect(await read({ systems: [{ equals: 'orders' }] })).toEqual(['orders'])
    expect(await read({ systems: [{ startsWith: 'orders.' }] })).toEqual(['orders.eu', 'orders.eu.west'])
    expect(await read({ systems: [{ startsWith: 'orders.' }, { equals: 'users' }, { equals: 'orders.eu' }, { startsWith: 'orders.eu' }] })).toEqual([
      'orders.eu',
      'users',
      'orders.eu.west',
    ])
    expect(await read({ systems: [] })).toEqual([])
    expect(await read({})).toEqual(systems)
  })

  it('applies since and then last to the systems asked for', async () => {
    const store = new MemoryReplayStore()
    await store.write([1, 2, 3, 4, 5, 6].map((n) => event('a', n, n * 10, n % 2 ? 'odd' : 'even')))
    expect(ids(await store.read({ systems: [{ equals: 'odd' }], last: 2 }))).toEqual(['a-3', 'a-5'])
    expect(ids(await store.read({ systems: [{ equals: 'even' }], since: 30, last: 5 }))).toEqual(['a-4', 'a-6'])
    expect(ids(await store.read({ systems: [{ equals: 'even' }], since: 30, last: 1 }))).toEqual(['a-6'])
  })

  it('keeps injected events that share time, origin and seq apart by source and id, and stores each once', async () => {
    const store = new MemoryReplayStore()
    await store.write([injected('orders', 'b', 10), injected('orders', 'a', 10), injected('billing', 'a', 10)])
    await store.write([injected('orders', 'a', 10), { ...injected('billing', 'a', 10) }])
    expect(store.size).toBe(3)
    expect((await store.read({})).map((e) => `${e.system}/${e.id}`)).toEqual(['billing/a', 'orders/a', 'orders/b'])
  })
})
