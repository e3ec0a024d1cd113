import { describe, expect, it } from 'vitest'
import { BusError } from '../../core/index'
import { FloodGate } from './flood'
import { exactOrigin, resolveFrameOptions, resolveParentOptions } from './options'

function thrown(run: () => unknown): BusError {
  try {
    run()
  } catch (error) {
    return error as BusError
  }
  throw new Error('did not throw')
}

describe('exactOrigin', () => {
  it('takes an origin exactly as location.origin writes it', () => {
    expect(exactOrigin('https://pay.example.com', 'x')).toBe('https://pay.example.com')
    expect(exactOrigin('http://127.0.0.1:5212', 'x')).toBe('http://127.0.0.1:5212')
  })

  it("refuses '*', paths, trailing slashes, default ports, opaque origins and non-strings", () => {
    for (const value of ['*', 'https://pay.example.com/', 'https://pay.example.com/checkout', 'https://pay.example.com:443', 'HTTPS://pay.example.com', 'null', 'file:///x', 'pay.example.com', '', undefined, 42]) {
      const error = thrown(() => exactOrigin(value, 'connectFrame'))
      expect(error.code, String(value)).toBe('FRAME_INVALID')
      expect(error.message).toMatch(/never '\*'/)
    }
  })
})

describe('resolveFrameOptions', () => {
  const failed = () => {}

  it('needs a policy, and reads it as what the frame may send and receive', () => {
    expect(thrown(() => resolveFrameOptions({ webOrigin: 'https://pay.example.com' } as never, failed)).message).toMatch(/needs a policy/)
    const options = resolveFrameOptions({ webOrigin: 'https://pay.example.com', policy: { send: ['checkout.*'], subscribe: ['cart'], deny: { send: ['checkout.admin'] } } }, failed)
    expect([options.importable('checkout.steps'), options.importable('checkout.admin'), options.importable('payments.card')]).toEqual([true, false, false])
    expect([options.exportable('cart'), options.exportable('checkout.steps')]).toEqual([true, false])
    expect(options).toMatchObject({ maxQueuedEvents: 1000, maxEventsPerSecond: 1000 })
  })

  it('refuses unknown options, bad bounds and malformed policies with FRAME_INVALID', () => {
    const base = { webOrigin: 'https://pay.example.com', policy: {} }
    expect(thrown(() => resolveFrameOptions({ ...base, origin: 'x' } as never, failed)).message).toMatch(/unknown option "origin"/)
    expect(thrown(() => resolveFrameOptions({ ...base, maxEventsPerSecond: 0 }, failed)).code).toBe('FRAME_INVALID')
    expect(thrown(() => resolveFrameOptions({ ...base, maxQueuedEvents: 1.5 }, failed)).code).toBe('FRAME_INVALID')
    expect(thrown(() => resolveFrameOptions({ ...base, policy: { send: ['a['] } }, failed)).code).toBe('FRAME_INVALID')
    expect(thrown(() => resolveFrameOptions({ ...base, replay: '{cart' }, failed)).code).toBe('FRAME_INVALID')
    expect(resolveFrameOptions({ ...base, replay: '{cart,orders.*}' }, failed).replay).toBe('{cart,orders.*}')
  })

  it('lets a parent without a policy send and take everything', () => {
    const options = resolveParentOptions({ webOrigin: 'https://shop.example.com' }, () => {})
    expect([options.exportable('any'), options.importable('any')]).toEqual([true, true])
  })
})

describe('FloodGate', () => {
  it('lets a burst of one second through, then only what refilled', () => {
    let now = 0
    const gate = new FloodGate(100, () => now)
    expect(gate.take(60)).toBe(60)
    expect(gate.take(60)).toBe(40)
    now += 100
    expect(gate.take(60)).toBe(10)
    now += 10_000
    expect(gate.take(500)).toBe(100)
    gate.reset()
    expect(gate.take(100)).toBe(100)
  })
})
