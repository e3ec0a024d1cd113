import { describe, expect, it } from 'vitest'
import { catchError } from '../testing/catch-error'
import { MAX_DEPTH, measureClonable } from './clonable'

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
    // The message names the limit the app set, not what is left of it for the data.
    expect(catchError(() => measureClonable('x'.repeat(2000), 900, 'data', 1024)).message).toMatch(/^The event is larger than maxEventBytes \(1024 bytes; its data alone is over \d+ bytes/)
    expect(catchError(() => measureClonable(new Uint8Array(new ArrayBuffer(4096), 0, 4), 1000)).code).toBe('TOO_LARGE')
    expect(measureClonable({ text: 'x'.repeat(500) }, 1000)).toBeLessThan(1000)
  })

  it('terminates on cycles and counts a shared object once', () => {
    const node: Record<string, unknown> = { name: 'a' }
    node.self = node
    node.list = [node, node]
    expect(measureClonable(node, LIMIT)).toBeLessThan(200)
  })

  it('refuses data nested deeper than browsers can clone, without overflowing the stack itself', () => {
    const nest = (levels: number, wrap: (inner: unknown) => unknown) => {
      let deep: unknown = 'leaf'
      for (let i = 0; i < levels; i++) deep = wrap(deep)
      return deep
    }
    expect(measureClonable(nest(MAX_DEPTH, (deep) => ({ deep })), Infinity)).toBeGreaterThan(MAX_DEPTH)
    for (const wrap of [(deep: unknown) => ({ deep }), (deep: unknown) => [deep], (deep: unknown) => new Map([['k', deep]])]) {
      expect(catchError(() => measureClonable(nest(MAX_DEPTH + 1, wrap), Infinity))).toMatchObject({ code: 'NOT_CLONABLE', message: expect.stringContaining(`more than ${MAX_DEPTH} levels`) })
      expect(catchError(() => measureClonable(nest(100_000, wrap), Infinity)).code).toBe('NOT_CLONABLE')
    }
  })

  it("checks an array's own non-index properties, which structured clone copies too", () => {
    const withKey = (key: string, value: unknown) => Object.assign([1, 2], { [key]: value })
    expect(catchError(() => measureClonable(withKey('render', () => 1), LIMIT)).code).toBe('NOT_CLONABLE')
    expect(catchError(() => measureClonable(withKey('note', 'x'.repeat(2000)), 1000)).code).toBe('TOO_LARGE')
    expect(catchError(() => measureClonable(withKey('constructor', {}), LIMIT)).code).toBe('UNSAFE_KEY')
    const crafted = [1]
    Object.defineProperty(crafted, '__proto__', { value: { polluted: true }, enumerable: true })
    expect(catchError(() => measureClonable(crafted, LIMIT)).code).toBe('UNSAFE_KEY')
    const holey = [, 1] as unknown[]
    Object.assign(holey, { extra: () => 1 })
    expect(catchError(() => measureClonable(holey, LIMIT)).code).toBe('NOT_CLONABLE')
    expect(measureClonable(Object.assign([1, 2], { note: 'ok' }), LIMIT)).toBeGreaterThan(0)
  })

  it('does not expand a diamond-shaped structure exponentially', () => {
    let level: unknown[] = ['x']
    for (let i = 0; i < 64; i++) level = [level, level]
    expect(measureClonable(level, LIMIT)).toBeLessThan(10_000)
  })
})
