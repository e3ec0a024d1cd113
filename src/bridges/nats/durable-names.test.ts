import { describe, expect, it } from 'vitest'
import { createBus } from '../../core/index'
import { capturesPrefix, consumerName, fromDevice, messageId, newDeviceId, streamConfigText } from './durable-names'
import { bridgeNats } from './bridge'

describe('JetStream mode names', () => {
  it('a consumer per device and subject prefix, a valid JetStream name, the same every time', () => {
    const name = consumerName('abcdefghij012345', 'crossbus.shop')
    expect(name).toMatch(/^crossbus-abcdefghij012345-[0-9a-f]{8}$/)
    expect(consumerName('abcdefghij012345', 'crossbus.shop')).toBe(name)
    expect(consumerName('abcdefghij012345', 'crossbus.blog')).not.toBe(name)
    expect(consumerName('0123456789abcdef', 'crossbus.shop')).not.toBe(name)
    expect(name).not.toMatch(/[\s.*>/\\]/)
  })

  it('device ids are 16 characters of [0-9a-z]', () => {
    expect(newDeviceId()).toMatch(/^[0-9a-z]{16}$/)
    expect(newDeviceId(() => 0)).toBe('0'.repeat(16))
    expect(newDeviceId(() => 0.999)).toBe('z'.repeat(16))
  })

  it('a message id names its device, so a consumer knows its own exports; identities are escaped for a header', () => {
    const id = messageId('dev1', '6:orderstab-1 2\r\nX: y')
    expect(id).toBe('dev1:6%3Aorderstab-1%202%0D%0AX%3A%20y')
    expect(fromDevice(id, 'dev1')).toBe(true)
    expect(fromDevice(id, 'dev')).toBe(false)
    expect(fromDevice(undefined, 'dev1')).toBe(false)
  })

  it('a stream captures the prefix when one of its subjects covers every subject under it', () => {
    expect(capturesPrefix('crossbus.shop.>', 'crossbus.shop')).toBe(true)
    expect(capturesPrefix('crossbus.>', 'crossbus.shop')).toBe(true)
    expect(capturesPrefix('>', 'crossbus.shop')).toBe(true)
    expect(capturesPrefix('crossbus.*.>', 'crossbus.shop')).toBe(true)
    expect(capturesPrefix('crossbus.shop.*', 'crossbus.shop')).toBe(false)
    expect(capturesPrefix('crossbus.shop', 'crossbus.shop')).toBe(false)
    expect(capturesPrefix('crossbus.blog.>', 'crossbus.shop')).toBe(false)
    expect(capturesPrefix('crossbus.shop.orders.>', 'crossbus.shop')).toBe(false)
  })

  it('the stream config to add, with the limits', () => {
    expect(streamConfigText('crossbus.shop', { stream: 'CROSSBUS', maxAgeMs: 86_400_000, maxMessages: 5000, duplicateWindowMs: 120_000 })).toBe(
      'nats stream add CROSSBUS --subjects "crossbus.shop.>" --storage file --retention limits --discard old --max-age 86400s --max-msgs 5000 --dupe-window 120s',
    )
  })
})

describe('the jetstream option', () => {
  const bus = () => createBus({ name: 'shop' })
  it('refuses a stream or consumer that is no JetStream name, unknown keys and bad limits', () => {
    for (const jetstream of [{ stream: 'a.b' }, { stream: '' }, { stream: 'A', consumer: 'x y' }, { stream: 'A', maxAgeMs: 0 }, { stream: 'A', maxMessages: 1.5 }, { stream: 'A', retention: 'work' }]) {
      expect(() => bridgeNats(bus(), { servers: 'ws://127.0.0.1:1', jetstream: jetstream as never })).toThrow(expect.objectContaining({ code: 'NATS_INVALID' }))
    }
  })
})
