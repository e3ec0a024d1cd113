import { firstValueFrom, take, toArray } from 'rxjs'
import { afterEach, describe, expect, it } from 'vitest'
import { createBus, type Bus, type BusOptions } from '../index'
import type { BusError, BusEvent } from '../core/index'
import { catchError } from '../testing/catch-error'

const buses: Bus[] = []
function newBus(options: BusOptions = {}): Bus {
  // crossTab: false keeps these tests in this process once cross-context sync exists.
  const bus = createBus({ crossTab: false, replay: { store: 'memory' }, ...options } as BusOptions)
  buses.push(bus)
  return bus
}
afterEach(() => {
  for (const bus of buses.splice(0)) bus.close()
})

const paths = (events: readonly BusEvent[]) => events.map((e) => e.path)

/** Resolves once `count` events arrived, with what arrived. */
function collect(sub: { subscribe(next: (e: BusEvent) => void): unknown }, count: number): Promise<BusEvent[]> {
  const seen: BusEvent[] = []
  return new Promise((resolve) => {
    sub.subscribe((e) => {
      seen.push(e)
      if (seen.length === count) resolve(seen)
    })
  })
}

describe('history', () => {
  it('resolves the matching stored events in send order, by glob and kind', async () => {
    const bus = newBus()
    bus.send('orders', 'order.created', '/o/1')
    bus.send('users', 'user.created', '/u/1')
    bus.send('orders.eu', 'order.paid', '/o/2')
    bus.send('orders.eu', 'order.created', '/o/3')
    expect(paths(await bus.history('orders.**'))).toEqual(['/o/1', '/o/2', '/o/3'])
    expect(paths(await bus.history('orders.*', 'order.created'))).toEqual(['/o/3'])
    expect(paths(await bus.history('**', undefined, { limit: 2 }))).toEqual(['/o/2', '/o/3'])
    expect(await bus.history('**', undefined, { limit: 0 })).toEqual([])
  })

  it('keeps to since', async () => {
    const bus = newBus()
    const first = bus.send('a', 'k', '/1')
    const all = await bus.history('a')
    expect(paths(await bus.history('a', undefined, { since: first.time }))).toEqual(['/1'])
    expect(await bus.history('a', undefined, { since: first.time + 1 })).toEqual([])
    expect(all).toHaveLength(1)
  })

  it('gives a scoped handle only what its policy may subscribe to', async () => {
    const bus = newBus()
    bus.send('orders', 'k', '/o')
    bus.send('secrets', 'k', '/s')
    const scoped = bus.scope({ subscribe: ['orders'] })
    expect(paths(await scoped.history('**'))).toEqual(['/o'])
    await expect(scoped.history('secrets')).rejects.toMatchObject({ code: 'POLICY_DENIED' })
  })

  it('refuses without replay, and refuses bad queries, by rejecting', async () => {
    const plain = createBus({ crossTab: false } as BusOptions)
    buses.push(plain)
    await expect(plain.history('**')).rejects.toMatchObject({ kind: 'INVALID', code: 'HISTORY_NOT_ENABLED' })
    expect(catchError(() => plain.subscribe('a', undefined, { replay: 'all' })).code).toBe('HISTORY_NOT_ENABLED')
    await expect(plain.flush()).resolves.toBeUndefined()
    const bus = newBus()
    await expect(bus.history('**', undefined, { limit: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect(catchError(() => bus.subscribe('a', undefined, { replay: { since: Number.NaN } })).code).toBe('INVALID_ARGUMENT')
    expect(catchError(() => bus.subscribe('a', undefined, { replay: 1.5 })).code).toBe('INVALID_ARGUMENT')
  })

  it('refuses nonsense retention when the bus is created', () => {
    expect(catchError(() => createBus({ replay: { maxEvents: 0 } })).code).toBe('INVALID_ARGUMENT')
    expect(catchError(() => createBus({ replay: { maxAgeMs: -1 } })).code).toBe('INVALID_ARGUMENT')
  })
})

describe('retention', () => {
  it('keeps at most maxEvents, the newest', async () => {
    const bus = newBus({ replay: { store: 'memory', maxEvents: 10 } })
    for (let i = 1; i <= 25; i++) bus.send('a', 'k', `/${i}`)
    await bus.flush()
    expect(paths(await bus.history('a'))).toEqual(Array.from({ length: 10 }, (_, i) => `/${i + 16}`))
  })

  it('keeps nothing older than maxAgeMs', async () => {
    const bus = newBus({ replay: { store: 'memory', maxAgeMs: 1 } })
    bus.send('a', 'k', '/old')
    const sent = Date.now()
    // Wait on the clock, not a timer: the event must be more than 1 ms old.
    while (Date.now() <= sent + 1) await Promise.resolve()
    expect(await bus.history('a')).toEqual([])
  })
})

describe('subscribe with replay', () => {
  it('delivers history first, then live events, to an observer attached in the same task', async () => {
    const bus = newBus()
    bus.send('a', 'k', '/1')
    bus.send('a', 'k', '/2')
    const sub = bus.subscribe('a', undefined, { replay: 'all' })
    const got = collect(sub, 4)
    bus.send('a', 'k', '/3') // live while history is being read: held, then after history
    await Promise.resolve()
    bus.send('a', 'k', '/4')
    expect(paths(await got)).toEqual(['/1', '/2', '/3', '/4'])
  })

  it('neither loses nor repeats an event sent just before subscribing or while history is read', async () => {
    const bus = newBus()
    for (let i = 1; i <= 50; i++) bus.send('a', 'k', `/${i}`)
    // These are not flushed yet when the subscription starts reading.
    const sub = bus.subscribe('a', undefined, { replay: 'all' })
    const got = collect(sub, 100)
    for (let i = 51; i <= 100; i++) bus.send('a', 'k', `/${i}`)
    const events = await got
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
    expect(sub.backlog).toBe(0)
  })

  it('replays the latest N matching events, or those since a time', async () => {
    const bus = newBus()
    bus.send('a', 'k', '/1')
    const second = bus.send('a', 'k', '/2')
    bus.send('b', 'k', '/b')
    bus.send('a', 'k', '/3')
    expect(paths(await firstValueFrom(bus.subscribe('a', undefined, { replay: 2 }).pipe(take(2), toArray())))).toEqual(['/2', '/3'])
    const since = await firstValueFrom(bus.subscribe('a', undefined, { replay: { since: second.time } }).pipe(take(1)))
    expect(since.time).toBeGreaterThanOrEqual(second.time)
  })

  it('feeds the channel and the iterator the same way', async () => {
    const bus = newBus()
    bus.send('a', 'k', '/1')
    const sub = bus.subscribe('a', undefined, { replay: 'all' })
    const channel = sub.channel()
    bus.send('a', 'k', '/2')
    expect((await channel.receive()).value?.path).toBe('/1')
    expect((await channel.receive()).value?.path).toBe('/2')

    const iterated = bus.subscribe('a', undefined, { replay: 'all' })
    const seen: string[] = []
    for await (const e of iterated) {
      seen.push(e.path)
      if (seen.length === 1) bus.send('a', 'k', '/3')
      if (seen.length === 3) break
    }
    expect(seen).toEqual(['/1', '/2', '/3'])
  })

  it('with replay 0 is just live', async () => {
    const bus = newBus()
    bus.send('a', 'k', '/old')
    const got = collect(bus.subscribe('a', undefined, { replay: 0 }), 1)
    bus.send('a', 'k', '/new')
    expect(paths(await got)).toEqual(['/new'])
  })

  it('delivers nothing once closed before history arrived', async () => {
    const bus = newBus()
    bus.send('a', 'k', '/1')
    const sub = bus.subscribe('a', undefined, { replay: 'all' })
    const seen: BusEvent[] = []
    sub.subscribe((e) => seen.push(e))
    sub.close()
    await bus.flush()
    await bus.history('a')
    expect(seen).toEqual([])
  })
})

describe('without IndexedDB (Node)', () => {
  it('keeps history in memory quietly when no store was asked for, as a local bus should', async () => {
    const errors: BusError[] = []
    const bus = newBus({ replay: {} })
    bus.errors$.subscribe((e) => errors.push(e))
    bus.send('a', 'k', '/1')
    await bus.flush()
    expect(paths(await bus.history('a'))).toEqual(['/1'])
    expect(errors).toEqual([])
  })

  it('with store: "indexeddb" asked for, falls back to memory, reports it once, and sends never throw', async () => {
    const errors: BusError[] = []
    const bus = newBus({ replay: { store: 'indexeddb' } })
    bus.errors$.subscribe((e) => errors.push(e))
    bus.send('a', 'k', '/1')
    bus.send('a', 'k', '/2')
    await bus.flush()
    expect(paths(await bus.history('a'))).toEqual(['/1', '/2'])
    bus.send('a', 'k', '/3')
    await bus.flush()
    expect(errors.map((e) => [e.kind, e.code, e.retryable])).toEqual([['UNAVAILABLE', 'REPLAY_UNAVAILABLE', false]])
    expect(errors[0]!.message).toMatch(/in memory/)
  })
})
