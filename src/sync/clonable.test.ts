import { describe, expect, it } from 'vitest'
import { catchError } from '../testing/catch-error'
import { measureClonable } from './clonable'

const LIMIT = 1024 * 1024

describe('measureClonable', () => {
  it('accepts plain data and the clonable built-ins', () => {
    const data = {
      n: 1,
      s: 'text',
      b: true,
      nothing: null,
      missing: undefined,
      big: 10n,
      list: [1, 'two', { three: 3 }],
      bare: Object.create(null) as object,
      when: new Date(0),
      pattern: /a+/g,
      map: new Map([['k', { v: 1 }]]),
      set: new Set([1, 2]),
      bytes: new Uint8Array(16),
      buffer: new ArrayBuffer(8),
      view: new DataView(new ArrayBuffer(4)),
      error: new TypeError('broke'),
    }
    expect(measureClonable(data, LIMIT)).toBeGreaterThan(0)
    expect(measureClonable(undefined, LIMIT)).toBeGreaterThan(0)
  })

  it('names the path of a function, a symbol and a class instance', () => {
    expect(catchError(() => measureClonable({ items: [{ onClick: () => {} }] }, LIMIT))).toMatchObject({
      kind: 'INVALID',
      code: 'NOT_CLONABLE',
      retryable: false,
      message: expect.stringContaining('data.items[0].onClick is a function'),
    })
    expect(catchError(() => measureClonable({ tag: Symbol('x') }, LIMIT)).code).toBe('NOT_CLONABLE')
    class Money {
      constructor(readonly cents: number) {}
      format(): string {
        return `${this.cents / 100}`
      }
    }
    expect(catchError(() => measureClonable({ price: new Money(100) }, LIMIT))).toMatchObject({ code: 'NOT_CLONABLE', message: expect.stringContaining('a Money') })
    expect(catchError(() => measureClonable(new WeakMap(), LIMIT)).code).toBe('NOT_CLONABLE')
    expect(catchError(() => measureClonable(Promise.resolve(1), LIMIT)).code).toBe('NOT_CLONABLE')
    expect(catchError(() => measureClonable(new Map([['k', () => 1]]), LIMIT)).code).toBe('NOT_CLONABLE')
  })

  it('refuses a look-alike built-in with a spoofed tag', () => {
    const fake = { [Symbol.toStringTag]: 'Date', getTime: () => 0 }
    Object.setPrototypeOf(fake, Object.create(Object.prototype))
    expect(catchError(() => measureClonable(fake, LIMIT)).code).toBe('NOT_CLONABLE')
  })

  it('refuses own __proto__, constructor and prototype keys at any depth', () => {
    const crafted = JSON.parse('{"a":{"__proto__":{"polluted":true}}}') as unknown
    expect(catchError(() => measureClonable(crafted, LIMIT))).toMatchObject({ code: 'UNSAFE_KEY', message: expect.stringContaining('data.a') })
    expect(catchError(() => measureClonable({ constructor: { prototype: {} } }, LIMIT)).code).toBe('UNSAFE_KEY')
    expect(catchError(() => measureClonable([{ prototype: 1 }], LIMIT)).code).toBe('UNSAFE_KEY')
  })

  it('stops at the limit with TOO_LARGE, counting a view by its whole buffer', () => {
    expect(catchError(() => measureClonable({ text: 'x'.repeat(2000) }, 1000)).code).toBe('TOO_LARGE')
    expect(catchError(() => measureClonable(new Uint8Array(new ArrayBuffer(4096), 0, 4), 1000)).code).toBe('TOO_LARGE')
    expect(measureClonable({ text: 'x'.repeat(500) }, 1000)).toBeLessThan(1000)
  })

  it('terminates on cycles and counts a shared object once', () => {
    const node: Record<string, unknown> = { name: 'a' }
    node.self = node
    node.list = [node, node]
    expect(measureClonable(node, LIMIT)).toBeLessThan(200)
  })

  it('walks very deep data without overflowing the stack', () => {
    let deep: unknown = 'leaf'
    for (let i = 0; i < 100_000; i++) deep = { deep }
    expect(measureClonable(deep, Infinity)).toBeGreaterThan(100_000)
  })

  it('does not expand a diamond-shaped structure exponentially', () => {
    let level: unknown[] = ['x']
    for (let i = 0; i < 64; i++) level = [level, level]
    expect(measureClonable(level, LIMIT)).toBeLessThan(10_000)
  })
})
