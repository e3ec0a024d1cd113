import { afterEach, describe, expect, it, vi } from 'vitest'
import { createBus, type Bus } from '../../src/core/index'
import { replay } from '../../src/replay/index'
import { PageAgent } from './page-agent'
import type { PageMessage, WireRecord } from './protocol'
import { decodeValue } from './wire'

let agent: PageAgent | undefined
let bus: Bus | undefined

afterEach(async () => {
  agent?.close()
  await bus?.close()
  agent = bus = undefined
})

/** Attaches an agent to `bus`, collecting what it tells the panel. */
function attach(observed: Bus): PageMessage[] {
  const told: PageMessage[] = []
  agent = new PageAgent(observed, (json) => told.push(JSON.parse(json) as PageMessage))
  return told
}

const recordsOf = (told: PageMessage[], type: 'history' | 'events'): WireRecord[] => told.flatMap((message) => (message.type === type ? message.records : []))

describe('the extension agent in the page', () => {
  it('tells the stored history first, then the live events, each event once', async () => {
    bus = createBus({ name: 'shop', plugins: [replay({ store: 'memory' })] })
    bus.send('orders', 'order.created', '/orders/early')
    const told = attach(bus)
    bus.send('orders', 'order.paid', '/orders/live', { total: 12345678901234567890n })
    await vi.waitFor(() => expect(recordsOf(told, 'events').length + recordsOf(told, 'history').length).toBe(2))
    bus.send('orders', 'order.shipped', '/orders/later')
    await vi.waitFor(() => expect(recordsOf(told, 'events').map((record) => record.event.path)).toContain('/orders/later'))
    const types = told.map((message) => message.type)
    expect(types[0]).toBe('attached')
    expect(types.indexOf('history')).toBeLessThan(types.indexOf('events'))
    const paths = [...recordsOf(told, 'history'), ...recordsOf(told, 'events')].map((record) => record.event.path)
    expect(paths.sort()).toEqual(['/orders/early', '/orders/later', '/orders/live'])
    expect(recordsOf(told, 'history')[0]!.event.path).toBe('/orders/early')
    const live = [...recordsOf(told, 'history'), ...recordsOf(told, 'events')].find((record) => record.event.path === '/orders/live')!
    expect(decodeValue(live.event.data)).toEqual({ total: 12345678901234567890n })
  })

  it('says a bus without replay has no history, and still tells its live events', async () => {
    bus = createBus({ name: 'plain' })
    const told = attach(bus)
    await vi.waitFor(() => expect(told.some((message) => message.type === 'history')).toBe(true))
    const history = told.find((message) => message.type === 'history')!
    expect(history.type === 'history' && history.error?.code).toBe('HISTORY_NOT_ENABLED')
    bus.send('notes', 'note.added', '/notes/1')
    await vi.waitFor(() => expect(recordsOf(told, 'events').map((record) => [record.event.path, record.arrival])).toEqual([['/notes/1', 'sent']]))
  })

  it("re-sends through the bus, so the bus's policy refuses what it refuses", async () => {
    bus = createBus({ name: 'shop', policy: { send: ['orders'] } })
    const told = attach(bus)
    agent!.send(1, 'orders', 'order.created', '/orders/again', { '\u0000crossbus': 'bigint', v: '7' })
    agent!.send(2, 'payments', 'payment.taken', '/payments/1', null)
    const answers = told.filter((message) => message.type === 'sent')
    expect(answers[0]).toMatchObject({ request: 1, id: expect.stringMatching(/-1$/) })
    expect(answers[1]).toMatchObject({ request: 2, error: { code: 'POLICY_DENIED' } })
    await vi.waitFor(() => expect(recordsOf(told, 'events').map((record) => [record.event.path, decodeValue(record.event.data)])).toEqual([['/orders/again', 7n]]))
  })

  it('tells the subscriptions as they change, and nothing once closed (its plugin detached)', async () => {
    bus = createBus({ name: 'shop' })
    const told = attach(bus)
    const subscription = bus.subscribe('orders.*')
    const last = () => told.filter((message) => message.type === 'subscriptions').at(-1)
    await vi.waitFor(() => expect(last()).toMatchObject({ subscriptions: [{ pattern: 'orders.*', replay: false }] }))
    subscription.close()
    await vi.waitFor(() => expect(last()).toMatchObject({ subscriptions: [] }))
    agent!.close()
    await vi.waitFor(() => expect(() => bus!.use({ name: 'crossbus-devtools-extension', setup: () => {} })).not.toThrow())
    const count = told.length
    bus.send('orders', 'order.created', '/orders/after')
    bus.subscribe('users')
    await bus.flush()
    expect(told.length).toBe(count)
  })
})
