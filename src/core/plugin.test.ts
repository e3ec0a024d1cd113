import { firstValueFrom, NEVER, of } from 'rxjs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createBus } from './bus'
import { BusError } from './errors'
import type { BusEvent } from './event'
import type { BusPlugin } from './plugin'
import { replay } from '../replay/index'
import { catchError } from '../testing/catch-error'
import { createScene, recorder } from '../testing/plugin-scene'

// The seam as plugins see it: what they observe, leadership, attaching and closing. What comes in
// through it (inject, receive) is in admission.test.ts.
const { newBus, twoContexts, closeAll } = createScene()
afterEach(closeAll)

describe('observing', () => {
  it('sees every event sent here with its provenance, without subscribing or counting in stats', () => {
    const rec = recorder()
    const bus = newBus([rec.plugin])
    const event = bus.send('orders', 'order.created', '/orders/1', { total: 1 })
    expect(rec.seen).toEqual([{ event, provenance: { arrival: 'sent', from: bus.origin, bridge: undefined } }])
    expect(bus.stats()).toMatchObject({ subscriptions: 0, delivered: 0, sent: 1 })
  })

  it('sees events a policy would hide from every handle', () => {
    const rec = recorder()
    const bus = newBus([rec.plugin])
    bus.scope({ send: ['payments'] }).send('payments', 'payment.done', '/p/1')
    expect(rec.seen.map((s) => s.event.system)).toEqual(['payments'])
  })

  it('sees events from another context as received, from that context', async () => {
    const rec = recorder()
    const { a, b } = twoContexts([], [rec.plugin])
    a.send('orders', 'order.created', '/orders/1')
    await vi.waitFor(() => expect(rec.seen).toHaveLength(1))
    expect(rec.seen[0]!.provenance).toEqual({ arrival: 'received', from: a.origin, bridge: undefined })
    expect(rec.seen[0]!.event.origin).toBe(a.origin)
    expect(b.stats().sent).toBe(0)
  })

  it('sees subscriptions open and close, with pattern, kind and replay', () => {
    const rec = recorder()
    const bus = newBus([rec.plugin])
    const sub = bus.subscribe('orders.*', 'order.created')
    bus.scope({ subscribe: ['users'] }).subscribe('users')
    expect(rec.opened).toEqual([
      { id: 1, pattern: 'orders.*', kind: 'order.created', replay: false },
      { id: 2, pattern: 'users', kind: undefined, replay: false },
    ])
    sub.close()
    expect(rec.closed).toEqual([rec.opened[0]])
    expect(rec.host.subscriptions()).toEqual([rec.opened[1]])
  })

  it('sees every error and drop, handler failures included', async () => {
    const rec = recorder()
    const { hub, b } = twoContexts([], [rec.plugin])
    b.errors$.subscribe(() => {})
    b.subscribe('orders').subscribe(() => {
      throw new Error('boom')
    })
    b.send('orders', 'order.created', '/orders/1')
    hub.inject('crossbus:linked', 'garbage')
    expect(rec.errors.map((e) => e.code)).toEqual(['HANDLER_FAILED', 'SYNC_MALFORMED_MESSAGE'])
    expect(b.stats()).toMatchObject({ dropped: 1, errors: 2 })
  })
})

describe('leading', () => {
  it('a bus without a presence plugin leads every job alone', async () => {
    const rec = recorder()
    newBus([rec.plugin])
    expect(await firstValueFrom(rec.host.leads('destinations'))).toBe(true)
  })

  it('asks the presence plugin per job', async () => {
    const jobs: string[] = []
    const presence: BusPlugin = {
      name: 'presence',
      setup: () => ({ presence: { peers$: NEVER, leads: (job) => (jobs.push(job), of(false)) } }),
    }
    const rec = recorder()
    newBus([presence, rec.plugin])
    expect(await firstValueFrom(rec.host.leads('nats'))).toBe(false)
    expect(jobs).toEqual(['nats'])
  })
})

describe('lifecycle', () => {
  it('flush and close wait for every plugin, and close runs each close once', async () => {
    const order: string[] = []
    const slow = (name: string, ms: number): BusPlugin => ({
      name,
      setup: () => ({
        flush: () => new Promise<void>((resolve) => setTimeout(() => (order.push(`${name} flushed`), resolve()), ms)),
        close: () => new Promise<void>((resolve) => setTimeout(() => (order.push(`${name} closed`), resolve()), ms)),
      }),
    })
    const bus = createBus({ name: 'slow', plugins: [slow('a', 5), slow('b', 20)] })
    await bus.flush()
    expect(order).toEqual(['a flushed', 'b flushed'])
    const closing = bus.close()
    expect(bus.close()).toBe(closing)
    await closing
    // Last attached first, one after the other, though b is the quicker.
    expect(order.slice(2)).toEqual(['b closed', 'a closed'])
  })

  it('attaches to a live bus and detaches again', async () => {
    const bus = newBus()
    bus.send('orders', 'order.created', '/orders/1')
    const rec = recorder()
    const attached = bus.use(rec.plugin)
    bus.send('orders', 'order.created', '/orders/2')
    await attached.detach()
    bus.send('orders', 'order.created', '/orders/3')
    expect(rec.seen.map((s) => s.event.path)).toEqual(['/orders/2'])
    expect(bus.use(rec.plugin).name).toBe('recorder')
  })

  it('refuses a second plugin of one name, or a second history', () => {
    const bus = newBus([replay({ store: 'memory' })])
    expect(catchError(() => bus.use(recorder('replay').plugin)).code).toBe('PLUGIN_CONFLICT')
    expect(catchError(() => bus.use({ ...replay({ store: 'memory' }), name: 'other-history' })).code).toBe('PLUGIN_CONFLICT')
    expect(catchError(() => bus.use({ name: 'broken' } as unknown as BusPlugin)).code).toBe('INVALID_ARGUMENT')
  })

  it('a throwing hook is reported and breaks neither the send nor another plugin', async () => {
    const rec = recorder()
    const faulty: BusPlugin = {
      name: 'faulty',
      setup: () => ({
        check: () => {
          throw new TypeError('check bug')
        },
        event: () => {
          throw new TypeError('event bug')
        },
        flush: () => Promise.reject(new TypeError('flush bug')),
      }),
    }
    const bus = newBus([faulty, rec.plugin])
    const errors: BusError[] = []
    bus.errors$.subscribe((e) => errors.push(e))
    const got: BusEvent[] = []
    bus.subscribe('orders').subscribe((e) => got.push(e))
    bus.send('orders', 'order.created', '/orders/1')
    await bus.flush()
    expect(got).toHaveLength(1)
    expect(rec.seen).toHaveLength(1)
    expect(errors.map((e) => [e.code, e.kind, (e.cause as Error).message])).toEqual([
      ['PLUGIN_FAILED', 'INTERNAL', 'check bug'],
      ['PLUGIN_FAILED', 'INTERNAL', 'event bug'],
      ['PLUGIN_FAILED', 'INTERNAL', 'flush bug'],
    ])
  })

  it('a check that throws a BusError refuses the send on purpose, atomically', () => {
    const guard: BusPlugin = {
      name: 'guard',
      setup: () => ({
        check: (event) => {
          if (event.path.startsWith('/secret')) throw new BusError({ kind: 'PERMISSION_DENIED', code: 'SECRET', message: 'no secrets', retryable: false })
        },
      }),
    }
    const bus = newBus([guard])
    const got: BusEvent[] = []
    bus.subscribe('orders').subscribe((e) => got.push(e))
    expect(catchError(() => bus.send('orders', 'order.created', '/secret/1')).code).toBe('SECRET')
    expect(bus.send('orders', 'order.created', '/orders/1').seq).toBe(1)
    expect(got.map((e) => e.path)).toEqual(['/orders/1'])
  })
})
