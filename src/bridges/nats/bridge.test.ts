import { firstValueFrom, toArray } from 'rxjs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { BusError, createBus, type Bus } from '../../core/index'
import { bridgeNats } from './bridge'
import { NATS_ERROR_CODES } from './errors'

const buses: Bus[] = []
afterEach(async () => {
  vi.unstubAllGlobals()
  await Promise.all(buses.splice(0).map((bus) => bus.close()))
})
const newBus = () => {
  const bus = createBus({ name: 'nats-unit' })
  buses.push(bus)
  return bus
}

describe('bridgeNats', () => {
  it('refuses bad options with NATS_INVALID and a clear message, and attaches nothing', () => {
    const bus = newBus()
    const cases: Array<[object, RegExp]> = [
      [{}, /servers/],
      [{ servers: 'http://127.0.0.1:8080' }, /ws:\/\/ or wss:\/\//],
      [{ servers: [] }, /servers/],
      [{ servers: 'ws://h', subjectPrefix: 'a.*' }, /subjectPrefix/],
      [{ servers: 'ws://h', subjectPrefix: 'a..b' }, /subjectPrefix/],
      [{ servers: 'ws://h', maxQueuedEvents: 0 }, /maxQueuedEvents/],
      [{ servers: 'ws://h', queueBound: 10 }, /unknown option "queueBound"/],
      [{ servers: 'ws://h', import: { system: 'x' } }, /import/],
      [{ servers: 'ws://h', export: [{ sytem: 'x' }] }, /unknown field "sytem"/],
      [{ servers: 'ws://h', import: [{ system: 'a(b' }] }, /import\[0\]\.system/],
      [{ servers: 'ws://h', retry: { initialDelayMs: 500, maxDelayMs: 100 } }, /maxDelayMs/],
      [{ servers: 'ws://h', retry: { minDelayMs: 100 } }, /unknown option "minDelayMs"/],
      [{ servers: 'ws://h', serverz: 'ws://h' }, /unknown option "serverz"/],
    ]
    for (const [options, message] of cases) {
      let thrown: unknown
      try {
        bridgeNats(bus, options as never)
      } catch (error) {
        thrown = error
      }
      expect(thrown, JSON.stringify(options)).toBeInstanceOf(BusError)
      expect((thrown as BusError).code, JSON.stringify(options)).toBe('NATS_INVALID')
      expect((thrown as BusError).message).toMatch(message)
    }
    // Nothing stayed attached: a valid bridge can still take the plugin's name.
    expect(() => bus.use({ name: 'nats', setup: () => undefined })).not.toThrow()
  })

  it('has one table of codes, every one NATS_-prefixed', () => {
    for (const code of Object.keys(NATS_ERROR_CODES)) expect(code).toMatch(/^NATS_[A-Z_]+$/)
  })

  it('where the runtime has no WebSocket, ready rejects with NATS_UNAVAILABLE, the status closes, and the bus carries on', async () => {
    // Node 22 and browsers have one, Node 20 not: the runtime's own globals do not decide this test.
    vi.stubGlobal('WebSocket', undefined)
    const bus = newBus()
    const errors = firstValueFrom(bus.errors$)
    const bridge = bridgeNats(bus, { servers: 'ws://127.0.0.1:9' })
    const states = firstValueFrom(bridge.status$.pipe(toArray()))
    await expect(bridge.ready).rejects.toMatchObject({ code: 'NATS_UNAVAILABLE', kind: 'UNAVAILABLE' })
    expect(await errors).toMatchObject({ code: 'NATS_UNAVAILABLE' })
    await bridge.close()
    // Leadership changes are statuses too; the connection's states, each once:
    const seen = (await states).map((status) => status.state).filter((state, i, all) => state !== all[i - 1])
    expect(seen).toEqual(['connecting', 'closed'])
    expect(bus.send('orders', 'order.created', '/orders/1').seq).toBe(1)
  })

  it('closed before it connected: ready rejects with NATS_CONNECTION_CLOSED, close() is one promise, and stats start at zero', async () => {
    const bus = newBus()
    const bridge = bridgeNats(bus, { servers: 'ws://127.0.0.1:9' })
    expect(bridge.stats()).toEqual({ imported: 0, duplicates: 0, conflicts: 0, dropped: 0, gaps: 0, missed: 0 })
    const closing = bridge.close()
    expect(bridge.close()).toBe(closing)
    await closing
    await expect(bridge.ready).rejects.toMatchObject({ code: 'NATS_CONNECTION_CLOSED' })
    // The bus without a bridge: the name is free again.
    expect(() => bus.use({ name: 'nats', setup: () => undefined })).not.toThrow()
  })
})
