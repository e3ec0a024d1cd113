import { filter, firstValueFrom, map, take, toArray } from 'rxjs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { catchError } from '../testing/catch-error'
import { collect, localBuses } from '../testing/local-buses'
import { BusError } from './errors'
import { createBus, type Bus } from '../index'

// send, subscribe, channels, close and options; policies and scopes are in bus-policy.test.ts.
const { newBus, closeAll } = localBuses()
afterEach(closeAll)

describe('send', () => {
  it('returns the event with id, time, origin and a per-origin seq', () => {
    const bus = newBus()
    const before = Date.now()
    const first = bus.send('orders', 'order.created', '/orders/1', { total: 1 })
    const second = bus.send('system', 'heartbeat', '/health')
    expect(first).toMatchObject({ system: 'orders', kind: 'order.created', path: '/orders/1', data: { total: 1 }, origin: bus.origin, seq: 1 })
    expect(second).toMatchObject({ data: undefined, seq: 2, origin: bus.origin })
    expect(first.id).not.toBe(second.id)
    expect(first.time).toBeGreaterThanOrEqual(before)
    expect(first.time).toBeLessThanOrEqual(Date.now())
  })

  it('stamps a burst sent in one task with one reading of the clock, and reads it anew in the next task', async () => {
    const bus = newBus()
    const now = vi.spyOn(Date, 'now')
    try {
      const burst = Array.from({ length: 100 }, (_, i) => bus.send('a', 'k', `/${i}`))
      // One reading per 32 sends at most, never one per send.
      expect(now.mock.calls.length).toBeLessThanOrEqual(4)
      expect(burst.every((e, i) => i === 0 || e.time >= burst[i - 1]!.time)).toBe(true)
      await Promise.resolve()
      const reads = now.mock.calls.length
      now.mockReturnValue(burst[99]!.time + 5_000)
      expect(bus.send('a', 'k', '/later').time).toBe(burst[99]!.time + 5_000)
      expect(now.mock.calls.length).toBe(reads + 1)
    } finally {
      now.mockRestore()
    }
  })

  it('gives ids unique across bus instances', () => {
    const ids = new Set<string>()
    for (let i = 0; i < 50; i++) ids.add(newBus().send('a', 'b', '/c').id)
    expect(ids.size).toBe(50)
  })

  it.each([
    ['', 'order.created', '/orders/1', 'EMPTY_SYSTEM'],
    ['orders', '', '/orders/1', 'EMPTY_KIND'],
    ['orders', 'order.created', '', 'EMPTY_PATH'],
    ['orders/eu', 'order.created', '/o', 'INVALID_SYSTEM'],
    ['orders.*', 'order.created', '/o', 'INVALID_SYSTEM'],
    ['orders', 'order..created', '/o', 'INVALID_KIND'],
    [42, 'order.created', '/o', 'INVALID_ARGUMENT'],
    ['orders', null, '/o', 'INVALID_ARGUMENT'],
    ['orders', 'order.created', undefined, 'INVALID_ARGUMENT'],
    ['s'.repeat(257), 'order.created', '/o', 'SYSTEM_TOO_LONG'],
    [`orders.${'eu'.repeat(50_000)}`, 'order.created', '/o', 'SYSTEM_TOO_LONG'],
    ['orders', 'k'.repeat(257), '/o', 'KIND_TOO_LONG'],
    ['orders', 'order.created', `/${'p'.repeat(4096)}`, 'PATH_TOO_LONG'],
  ])('refuses system %j, kind %j, path %j with %s and delivers nothing', (system, kind, path, code) => {
    const bus = newBus()
    const seen = collect(bus.subscribe('**'))
    const error = catchError(() => bus.send(system as string, kind as string, path as string))
    expect(error).toMatchObject({ kind: 'INVALID', code, retryable: false })
    expect(error.message.length).toBeGreaterThan(20)
    expect(seen).toEqual([])
    expect(bus.stats().sent).toBe(0)
    // The failed send did not use up a seq.
    expect(bus.send('orders', 'order.created', '/o').seq).toBe(1)
  })

  it('takes names up to 256 characters and paths up to 4,096, and says the limit past them', () => {
    const bus = newBus()
    const system = 's'.repeat(256)
    const seen = collect(bus.subscribe(system))
    bus.send(system, 'k'.repeat(256), `/${'p'.repeat(4095)}`)
    expect(seen).toHaveLength(1)
    expect(catchError(() => bus.send(`${system}s`, 'k', '/p')).message).toMatch(/257 characters long, over the limit of 256/)
    expect(catchError(() => bus.send('s', 'k', `/${'p'.repeat(4096)}`)).message).toMatch(/4097 characters long, over the limit of 4096/)
  })

  it('refuses a send after close with a clear error', () => {
    const bus = newBus()
    bus.close()
    expect(catchError(() => bus.send('a', 'b', '/c'))).toMatchObject({ kind: 'UNAVAILABLE', code: 'BUS_CLOSED', retryable: false })
    expect(catchError(() => bus.subscribe('a'))).toMatchObject({ code: 'BUS_CLOSED' })
  })
})

describe('subscribe', () => {
  it('routes by system glob and kind filter, synchronously and in send order', () => {
    const bus = newBus()
    const all = collect(bus.subscribe('orders.*'))
    const created = collect(bus.subscribe('orders.**', 'order.created'))
    const kinds = collect(bus.subscribe('orders.**', 'order.*'))
    bus.send('orders.eu', 'order.created', '/orders/1')
    bus.send('orders', 'order.updated', '/orders/1')
    bus.send('orders.eu.west', 'order.created', '/orders/2')
    bus.send('users', 'order.created', '/users/1')
    bus.send('orders.us', 'payment.done', '/orders/3')
    expect(all.map((e) => e.path)).toEqual(['/orders/1', '/orders/3'])
    expect(created.map((e) => e.system)).toEqual(['orders.eu', 'orders.eu.west'])
    expect(kinds.map((e) => e.kind)).toEqual(['order.created', 'order.updated', 'order.created'])
  })

  it('is a real Observable: operators, firstValueFrom, take', async () => {
    const bus = newBus()
    const sub = bus.subscribe('orders')
    const paths = firstValueFrom(sub.pipe(map((e) => e.path), filter((p) => p.endsWith('2')), take(2), toArray()))
    for (let i = 0; i < 30; i++) bus.send('orders', 'order.created', `/orders/${i}`)
    expect(await paths).toEqual(['/orders/2', '/orders/12'])
  })

  it('keeps delivering to others when a handler throws, and reports it', () => {
    const bus = newBus()
    const errors: BusError[] = []
    bus.errors$.subscribe((e) => errors.push(e))
    const sub = bus.subscribe('a')
    const before: string[] = []
    const after: string[] = []
    sub.subscribe((e) => before.push(e.path))
    sub.subscribe(() => {
      throw new Error('boom')
    })
    bus.subscribe('a').subscribe({ next: (e) => after.push(e.path) })
    bus.send('a', 'k', '/1')
    bus.send('a', 'k', '/2')
    expect(before).toEqual(['/1', '/2'])
    expect(after).toEqual(['/1', '/2'])
    expect(errors).toHaveLength(2)
    expect(errors[0]).toMatchObject({ kind: 'INTERNAL', code: 'HANDLER_FAILED' })
    expect((errors[0]!.cause as Error).message).toBe('boom')
    expect(bus.stats().errors).toBe(2)
  })

  it('surfaces a handler error through reportError when nobody watches errors$, still delivering to the others', () => {
    const reportError = vi.fn()
    vi.stubGlobal('reportError', reportError)
    try {
      const bus = newBus()
      const boom = new Error('boom')
      const got: string[] = []
      bus.subscribe('a').subscribe(() => {
        throw boom
      })
      bus.subscribe('a').subscribe((e) => got.push(e.path))
      bus.send('a', 'k', '/1')
      expect(reportError).toHaveBeenCalledWith(boom)
      expect(got).toEqual(['/1'])
      // Once the app handles errors$, it is the one told.
      bus.errors$.subscribe(() => {})
      bus.send('a', 'k', '/2')
      expect(reportError).toHaveBeenCalledTimes(1)
      expect(bus.stats().errors).toBe(2)
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('is safe when a handler unsubscribes or subscribes during delivery', () => {
    const bus = newBus()
    const seen: string[] = []
    const late: string[] = []
    let second: ReturnType<Bus['subscribe']> | undefined = undefined
    bus.subscribe('a').subscribe(() => {
      second?.close()
      bus.subscribe('a').subscribe((e) => late.push(e.path))
    })
    second = bus.subscribe('a')
    second.subscribe((e) => seen.push(e.path))
    bus.send('a', 'k', '/1')
    // Closed before its turn: nothing; subscribed during delivery: from the next event on.
    expect(seen).toEqual([])
    expect(late).toEqual([])
    bus.send('a', 'k', '/2')
    expect(late).toEqual(['/2'])
  })

  it('delivers nothing to an observer detached before its turn, and counts what was delivered', () => {
    const bus = newBus()
    const got: string[] = []
    const sub = bus.subscribe('a')
    let second: { unsubscribe(): void } | undefined
    sub.subscribe((e) => {
      got.push(`first ${e.path}`)
      second?.unsubscribe()
    })
    second = sub.subscribe((e) => got.push(`second ${e.path}`))
    sub.subscribe((e) => got.push(`third ${e.path}`))
    const other = bus.subscribe('a', 'k')
    const channel = other.channel()
    bus.send('a', 'k', '/1')
    bus.send('a', 'k', '/2')
    bus.send('a', 'other', '/3')
    expect(got).toEqual(['first /1', 'third /1', 'first /2', 'third /2', 'first /3', 'third /3'])
    expect(channel.size).toBe(2)
    // Two subscriptions for each of the two `k` events, one for the `other` event.
    expect(bus.stats().delivered).toBe(5)
  })

  it.each([
    ['', 'EMPTY_PATTERN'],
    ['orders..eu', 'MALFORMED_PATTERN'],
    ['{a,b', 'MALFORMED_PATTERN'],
  ])('refuses the pattern %j with %s', (pattern, code) => {
    const bus = newBus()
    expect(catchError(() => bus.subscribe(pattern))).toMatchObject({ kind: 'INVALID', code, retryable: false })
    expect(catchError(() => bus.subscribe('a', pattern))).toMatchObject({ kind: 'INVALID', code, retryable: false })
    expect(bus.stats().subscriptions).toBe(0)
  })

  it('refuses a non-string pattern', () => {
    const bus = newBus()
    expect(catchError(() => bus.subscribe(7 as unknown as string))).toMatchObject({ code: 'INVALID_ARGUMENT' })
  })
})

describe('channel and iteration', () => {
  it('works through a proxy, as an app holding it in a Vue ref() or a MobX observable calls it', async () => {
    const bus = newBus()
    // Like a reactive wrapper: every method is called with the proxy as `this`.
    const sub = new Proxy(bus.subscribe('a'), {})
    const seen: string[] = []
    sub.subscribe((event) => seen.push(event.path))
    const channel = new Proxy(sub.channel(), {})
    bus.send('a', 'k', '/1')
    expect(seen).toEqual(['/1'])
    expect(channel.size).toBe(1)
    expect((await channel.receive()).ok).toBe(true)
    sub.close()
    expect(sub.closed).toBe(true)
    expect(await channel.receive()).toEqual({ value: undefined, ok: false })
  })

  it('buffers from the first channel() call, the same channel every time', async () => {
    const bus = newBus()
    const sub = bus.subscribe('a')
    bus.send('a', 'k', '/before')
    const channel = sub.channel()
    expect(sub.channel()).toBe(channel)
    for (let i = 0; i < 1000; i++) bus.send('a', 'k', `/${i}`)
    expect(bus.stats().buffered).toBe(1000)
    const first = await channel.receive()
    expect(first.ok && first.value.path).toBe('/0')
    expect(bus.stats().buffered).toBe(999)
    sub.close()
    let drained = 0
    while ((await channel.receive()).ok) drained++
    expect(drained).toBe(999)
    expect(await channel.receive()).toEqual({ value: undefined, ok: false })
  })

  it('observers alone buffer nothing', () => {
    const bus = newBus()
    bus.subscribe('a').subscribe(() => {})
    for (let i = 0; i < 100; i++) bus.send('a', 'k', '/x')
    expect(bus.stats().buffered).toBe(0)
  })

  it('iterates with for await, and leaving the loop closes the subscription', async () => {
    const bus = newBus()
    const sub = bus.subscribe('a')
    const consumed = (async () => {
      const paths: string[] = []
      for await (const e of sub) {
        paths.push(e.path)
        if (paths.length === 3) break
      }
      return paths
    })()
    for (let i = 0; i < 5; i++) bus.send('a', 'k', `/${i}`)
    expect(await consumed).toEqual(['/0', '/1', '/2'])
    expect(sub.closed).toBe(true)
    expect(bus.stats().subscriptions).toBe(0)
  })

  it('ends iteration when the subscription closes', async () => {
    const bus = newBus()
    const sub = bus.subscribe('a')
    const consumed = (async () => {
      let count = 0
      for await (const _ of sub) count++
      return count
    })()
    bus.send('a', 'k', '/1')
    sub.close()
    expect(await consumed).toBe(1)
  })
})

describe('close and stats', () => {
  it('close is idempotent, completes observers and lowers the count', () => {
    const bus = newBus()
    const sub = bus.subscribe('a')
    let completed = 0
    sub.subscribe({ complete: () => completed++ })
    expect(bus.stats().subscriptions).toBe(1)
    sub.close()
    sub.close()
    expect(completed).toBe(1)
    expect(bus.stats().subscriptions).toBe(0)
    bus.send('a', 'k', '/x')
    expect(bus.stats().delivered).toBe(0)
  })

  it('an observer of a closed subscription completes at once', () => {
    const bus = newBus()
    const sub = bus.subscribe('a')
    sub.close()
    let completed = false
    sub.subscribe({ complete: () => (completed = true) })
    expect(completed).toBe(true)
  })

  it('closing the bus closes every subscription and leaks nothing', () => {
    const bus = newBus()
    const subs = Array.from({ length: 100 }, (_, i) => bus.subscribe(i % 2 ? `s${i}.*` : `s${i}`))
    expect(bus.stats().subscriptions).toBe(100)
    bus.close()
    bus.close()
    expect(subs.every((s) => s.closed)).toBe(true)
    expect(bus.stats().subscriptions).toBe(0)
    expect(bus.closed).toBe(true)
  })

  it('counts sent and delivered', () => {
    const bus = newBus()
    bus.subscribe('a')
    bus.subscribe('a.*')
    bus.subscribe('**')
    bus.send('a', 'k', '/1')
    bus.send('a.b', 'k', '/2')
    expect(bus.stats()).toMatchObject({ sent: 2, delivered: 4, dropped: 0 })
  })

  it('unsubscribing 10,000 subscriptions returns to zero', () => {
    const bus = newBus()
    const subs = Array.from({ length: 10_000 }, (_, i) => bus.subscribe(i % 2 ? `s${i}.*` : `s${i}`))
    bus.send('s1.x', 'k', '/1')
    for (const sub of subs) sub.close()
    expect(bus.stats().subscriptions).toBe(0)
  })
})

describe('options', () => {
  it.each([
    [{ maxEventBytes: -1 }, 'maxEventBytes must be a positive number'],
    [{ maxEventBytes: 'big' }, 'maxEventBytes must be a positive number'],
    [{ crosstab: false }, 'unknown option "crosstab"'],
    [{ crossTab: 'no' }, 'crossTab must be true or false'],
    [{ replay: { maxEvent: 10 } }, 'unknown option "maxEvent"'],
    [{ plugins: {} }, '`plugins` must be an array'],
  ])('refuses %j with INVALID_ARGUMENT', (options, message) => {
    const error = catchError(() => createBus(options as never))
    expect(error).toMatchObject({ kind: 'INVALID', code: 'INVALID_ARGUMENT', retryable: false })
    expect(error.message).toContain(message)
  })

  it('takes subscribe(pattern, options) and history(pattern, query) without a kind placeholder', async () => {
    const bus = createBus({ crossTab: false, replay: { store: 'memory' } })
    bus.send('cart', 'item.added', '/cart/1')
    const replayed = await firstValueFrom(bus.subscribe('cart', { replay: 'all' }))
    expect(replayed.path).toBe('/cart/1')
    expect((await bus.history('cart', { limit: 1 })).map((e) => e.path)).toEqual(['/cart/1'])
    expect(catchError(() => bus.subscribe('cart', { replay: 'all', lmit: 1 } as never))).toMatchObject({ code: 'INVALID_ARGUMENT' })
    await bus.close()
  })
})
