import { firstValueFrom, take, toArray } from 'rxjs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createBus } from './bus'
import type { BusEvent } from './event'
import { replay } from '../replay/index'
import { sync } from '../sync/index'
import { catchError } from '../testing/catch-error'
import { createScene, external, recorder } from '../testing/plugin-scene'

// The ways into a bus beyond send: a bridge's injection and a transport's delivery, and whose
// events may move this context's clock.
const { newBus, twoContexts, keep, closeAll } = createScene()
afterEach(closeAll)

describe('injecting', () => {
  it('delivers an external event here with its identity and provenance, once', () => {
    const bridge = recorder('bridge')
    const watcher = recorder('watcher')
    const bus = newBus([bridge.plugin, watcher.plugin])
    const got: BusEvent[] = []
    bus.subscribe('orders').subscribe((e) => got.push(e))
    const event = external('ce-1')
    expect(bridge.host.inject(event)).toBe(true)
    expect(bridge.host.inject({ ...event })).toBe(false)
    expect(got).toEqual([event])
    expect(got[0]).not.toBe(event)
    expect(watcher.seen.map((s) => s.provenance)).toEqual([{ arrival: 'injected', from: bus.origin, bridge: 'bridge' }])
    expect(bus.stats().sent).toBe(0)
  })

  it('tells CloudEvents identities apart by source and id', () => {
    const bridge = recorder('bridge')
    const bus = newBus([bridge.plugin])
    expect(bridge.host.inject(external('1', 'orders'))).toBe(true)
    expect(bridge.host.inject(external('1', 'users'))).toBe(true)
    expect(bridge.host.inject(external('1', 'orders'))).toBe(false)
    expect(bus.stats().delivered).toBe(0)
  })

  it('refuses an echo of an event this bus sent, and one already received from another context', async () => {
    const bridge = recorder('bridge')
    const { a, b } = twoContexts([], [bridge.plugin])
    bridge.host.inject(external('warm-up'))
    const mine = b.send('orders', 'order.created', '/orders/1')
    expect(bridge.host.inject({ ...mine })).toBe(false)
    const theirs = a.send('orders', 'order.created', '/orders/2')
    const got: BusEvent[] = []
    b.subscribe('orders').subscribe((e) => got.push(e))
    await vi.waitFor(() => expect(got).toHaveLength(1))
    expect(bridge.host.inject({ ...theirs })).toBe(false)
    expect(got).toHaveLength(1)
  })

  it('reaches other contexts once, marked with the bridge, and is never handed back to it', async () => {
    const bridgeA = recorder('nats')
    const bridgeB = recorder('nats')
    const { a, b } = twoContexts([bridgeA.plugin], [bridgeB.plugin])
    const gotB: BusEvent[] = []
    b.subscribe('orders').subscribe((e) => gotB.push(e))
    const event = external('ce-7')
    bridgeA.host.inject(event)
    await vi.waitFor(() => expect(gotB).toHaveLength(1))
    expect(gotB[0]).toEqual(event)
    expect(bridgeB.seen[0]!.provenance).toEqual({ arrival: 'received', from: a.origin, bridge: 'nats' })
    // The same event brought in by B's bridge too (two bridges during a leadership handover).
    expect(bridgeB.host.inject(event)).toBe(false)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(gotB).toHaveLength(1)
  })

  it("cannot silence another context by injecting its future ids: that context's own events still arrive", async () => {
    const bridge = recorder('bridge')
    const { a, b } = twoContexts([], [bridge.plugin])
    const first = a.send('orders', 'order.created', '/real/1')
    await new Promise((resolve) => setTimeout(resolve, 20))
    // A forged injection (a remote client read A's origin off the wire) naming A's next ids.
    for (let seq = 2; seq <= 5; seq++) bridge.host.inject({ ...first, id: `${a.origin}-${seq}`, seq, path: '/forged', data: null })
    const got: string[] = []
    b.subscribe('orders').subscribe((e) => got.push(e.path))
    for (let i = 2; i <= 5; i++) a.send('orders', 'order.created', `/real/${i}`)
    await vi.waitFor(() => expect(got).toEqual(['/real/2', '/real/3', '/real/4', '/real/5']))
  })

  it('is stored once in history, by the context that injected it', async () => {
    const bridge = recorder('bridge')
    const bus = newBus([replay({ store: 'memory' }), bridge.plugin])
    bridge.host.inject(external('ce-1'))
    bridge.host.inject(external('ce-1'))
    bridge.host.inject(external('ce-2'))
    expect((await bus.history('orders')).map((e) => e.id)).toEqual(['ce-1', 'ce-2'])
    const replayed = await firstValueFrom(bus.subscribe('orders', { replay: 'all' }).pipe(take(2), toArray()))
    expect(replayed.map((e) => e.id)).toEqual(['ce-1', 'ce-2'])
  })

  it('refuses an event the bus would refuse, delivering nothing', () => {
    const bridge = recorder('bridge')
    const bus = createBus({ name: 'strict', policy: { send: ['orders'], subscribe: ['**'] }, plugins: [sync(), bridge.plugin] })
    keep(bus)
    const got: BusEvent[] = []
    bus.subscribe('**').subscribe((e) => got.push(e))
    expect(catchError(() => bridge.host.inject(external('1', 'payments'))).code).toBe('POLICY_DENIED')
    expect(catchError(() => bridge.host.inject({ ...external('2'), system: 'a/b' })).code).toBe('INVALID_SYSTEM')
    expect(catchError(() => bridge.host.inject({ ...external('3'), id: '' })).code).toBe('INVALID_ARGUMENT')
    expect(catchError(() => bridge.host.inject({ ...external('4'), seq: -1 })).code).toBe('INVALID_ARGUMENT')
    expect(catchError(() => bridge.host.inject({ ...external('5'), data: { f: () => 1 } })).code).toBe('SYNC_NOT_CLONABLE')
    for (const time of [1e20, -1e20, 1.5, Number.NaN]) expect(catchError(() => bridge.host.inject({ ...external('6'), time })).code).toBe('INVALID_ARGUMENT')
    expect(catchError(() => bridge.host.inject(external('x'.repeat(513)))).code).toBe('INVALID_ARGUMENT')
    expect(catchError(() => bridge.host.inject({ ...external('7'), origin: 'o'.repeat(513) })).code).toBe('INVALID_ARGUMENT')
    expect(catchError(() => bridge.host.inject(external('8', `orders.${'eu'.repeat(50_000)}`))).code).toBe('SYSTEM_TOO_LONG')
    expect(catchError(() => bridge.host.inject({ ...external('9'), kind: 'k'.repeat(257) })).code).toBe('KIND_TOO_LONG')
    expect(catchError(() => bridge.host.inject({ ...external('10'), path: '/'.repeat(4097) })).code).toBe('PATH_TOO_LONG')
    expect(got).toEqual([])
  })
})

describe('receiving', () => {
  it("checks what another context's bridge brought in: a malformed one is dropped and counted, an echo of this instance's event refused", () => {
    const transport = recorder('transport')
    const bus = newBus([transport.plugin])
    const got: BusEvent[] = []
    bus.subscribe('**').subscribe((e) => got.push(e))
    const errors: string[] = []
    bus.errors$.subscribe((e) => errors.push(e.code))
    expect(transport.host.receive({ ...external('1'), system: 'a/b' }, 'peer', 'nats')).toBe(false)
    expect(transport.host.receive({ ...external('2'), origin: 'o'.repeat(513) }, 'peer', 'nats')).toBe(false)
    expect(transport.host.receive(external('long', 's'.repeat(2400)), 'peer', 'nats')).toBe(false)
    expect(bus.stats().dropped).toBe(3)
    expect(errors).toEqual(['INVALID_SYSTEM', 'INVALID_ARGUMENT', 'SYSTEM_TOO_LONG'])
    const mine = bus.send('orders', 'order.created', '/orders/1')
    expect(transport.host.receive({ ...mine }, 'peer', 'nats')).toBe(false)
    expect(transport.host.receive(external('3'), 'peer', 'nats')).toBe(true)
    expect(transport.host.receive(external('3'), 'peer', 'nats')).toBe(false)
    expect(got.map((e) => e.id)).toEqual([mine.id, '3'])
  })

  it('takes events a context of the origin sent as they are, and ignores them once the bus is closed', async () => {
    const transport = recorder('transport')
    const bus = newBus([transport.plugin])
    const got: BusEvent[] = []
    bus.subscribe('orders').subscribe((e) => got.push(e))
    const theirs: BusEvent = { ...external('x'), id: 'peer-1', origin: 'peer', seq: 1 }
    expect(transport.host.receive(theirs, 'peer')).toBe(true)
    // Never refused by identity: its transport already refused repeats by seq.
    expect(transport.host.receive(theirs, 'peer')).toBe(true)
    expect(got).toEqual([theirs, theirs])
    await bus.close()
    expect(transport.host.receive({ ...theirs, id: 'peer-2', seq: 2 }, 'peer')).toBe(false)
    expect(bus.stats().dropped).toBe(0)
  })
})

describe('time', () => {
  it("stamps an event sent after seeing another context's no earlier than it, but not after an event from outside", async () => {
    const { a, b } = twoContexts()
    const got: BusEvent[] = []
    b.subscribe('clock').subscribe((e) => got.push(e))
    const hourAhead = Date.now() + 60 * 60 * 1000
    vi.useFakeTimers({ now: hourAhead, toFake: ['Date'] })
    try {
      a.send('clock', 'tick', '/a')
    } finally {
      vi.useRealTimers()
    }
    await vi.waitFor(() => expect(got).toHaveLength(1))
    // B's clock is an hour behind A's: its next event still sorts after the one it saw.
    expect(b.send('clock', 'tick', '/b').time).toBeGreaterThanOrEqual(got[0]!.time)

    const bridge = recorder('bridge')
    b.use(bridge.plugin)
    // Events from outside the origin never move its clocks, however near.
    const hoursAhead = Date.now() + 23 * 60 * 60 * 1000
    bridge.host.inject({ ...external('far'), time: hoursAhead })
    expect(b.send('clock', 'tick', '/b2').time).toBeLessThan(hoursAhead - 22 * 60 * 60 * 1000)
  })
})
