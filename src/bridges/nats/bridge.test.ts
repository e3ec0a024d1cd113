import { firstValueFrom, toArray } from 'rxjs'
import { afterEach, describe, expect, it } from 'vitest'
import { BusError, createBus, type Bus } from '../../core/index'
import { bridgeNats } from './bridge'

const buses: Bus[] = []
afterEach(async () => {
  await Promise.all(buses.splice(0).map((bus) => bus.close()))
})
const newBus = () => {
  const bus = createBus({ name: 'nats-unit' })
  buses.push(bus)
  return bus
}

describe('bridgeNats', () => {
  it('refuses bad options with a clear error, and attaches nothing', () => {
    const bus = newBus()
    const cases: Array<[object, RegExp]> = [
      [{}, /servers/],
      [{ servers: 'http://127.0.0.1:8080' }, /ws:\/\/ or wss:\/\//],
      [{ servers: [] }, /servers/],
      [{ servers: 'ws://h', subjectPrefix: 'a.*' }, /subjectPrefix/],
      [{ servers: 'ws://h', subjectPrefix: 'a..b' }, /subjectPrefix/],
      [{ servers: 'ws://h', queueBound: 0 }, /queueBound/],
      [{ servers: 'ws://h', import: { system: 'x' } }, /import/],
      [{ servers: 'ws://h', export: [{ sytem: 'x' }] }, /unknown option "sytem"/],
      [{ servers: 'ws://h', reconnect: { minDelayMs: 500, maxDelayMs: 100 } }, /maxDelayMs/],
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
      expect((thrown as BusError).code).toBe('INVALID_ARGUMENT')
      expect((thrown as BusError).message).toMatch(message)
    }
    expect(() => bridgeNats(bus, { servers: 'ws://h', import: [{ system: 'a(b' }] })).toThrow(expect.objectContaining({ code: 'MALFORMED_PATTERN' }))
    // Nothing stayed attached: a valid bridge can still take the plugin's name.
    expect(() => bus.use({ name: 'nats', setup: () => undefined })).not.toThrow()
  })

  it('reports NATS_UNAVAILABLE and closes where there is no WebSocket, and the bus carries on', async () => {
    expect(typeof (globalThis as { WebSocket?: unknown }).WebSocket).toBe('undefined')
    const bus = newBus()
    const errors = firstValueFrom(bus.errors$)
    const bridge = bridgeNats(bus, { servers: 'ws://127.0.0.1:9' })
    const statuses = firstValueFrom(bridge.status$.pipe(toArray()))
    expect(await errors).toMatchObject({ code: 'NATS_UNAVAILABLE', kind: 'UNAVAILABLE' })
    await bridge.close()
    expect(await statuses).toEqual(['connecting', 'closed'])
    expect(bus.send('orders', 'order.created', '/orders/1').seq).toBe(1)
  })
})
