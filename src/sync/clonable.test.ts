import { describe, expect, it, vi } from 'vitest'
import { catchError } from '../testing/catch-error'
import { watched } from '../testing/watched-array'
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
      code: 'SYNC_NOT_CLONABLE',
      retryable: false,
      message: expect.stringContaining('data.items[0].onClick is a function'),
    })
    expect(catchError(() => measureClonable({ tag: Symbol('x') }, LIMIT)).code).toBe('SYNC_NOT_CLONABLE')
    class Money {
      constructor(readonly cents: number) {}
      format(): string {
        return `${this.cents / 100}`
      }
    }
    expect(catchError(() => measureClonable({ price: new Money(100) }, LIMIT))).toMatchObject({ code: 'SYNC_NOT_CLONABLE', message: expect.stringContaining('a Money') })
    expect(catchError(() => measureClonable(new WeakMap(), LIMIT)).code).toBe('SYNC_NOT_CLONABLE')
    expect(catchError(() => measureClonable(Promise.resolve(1), LIMIT)).code).toBe('SYNC_NOT_CLONABLE')
    expect(catchError(() => measureClonable(new Map([['k', () => 1]]), LIMIT)).code).toBe('SYNC_NOT_CLONABLE')
  })

  it('refuses a look-alike built-in with a spoofed tag', () => {
    const fake = { [Symbol.toStringTag]: 'Date', getTime: () => 0 }
    Object.setPrototypeOf(fake, Object.create(Object.prototype))
    expect(catchError(() => measureClonable(fake, LIMIT)).code).toBe('SYNC_NOT_CLONABLE')
  })

  it('refuses own __proto__, constructor and prototype keys at any depth', () => {
    const crafted = JSON.parse('{"a":{"__proto__":{"polluted":true}}}') as unknown
    expect(catchError(() => measureClonable(crafted, LIMIT))).toMatchObject({ code: 'SYNC_UNSAFE_KEY', message: expect.stringContaining('data.a') })
    expect(catchError(() => measureClonable({ constructor: { prototype: {} } }, LIMIT)).code).toBe('SYNC_UNSAFE_KEY')
    expect(catchError(() => measureClonable([{ prototype: 1 }], LIMIT)).code).toBe('SYNC_UNSAFE_KEY')
  })

  it('stops at the limit with TOO_LARGE, counting a view by its whole buffer', () => {
    expect(catchError(() => measureClonable({ text: 'x'.repeat(2000) }, 1000)).code).toBe('SYNC_TOO_LARGE')
    // The message names the limit the app set, not what is left of it for the data.
    expect(catchError(() => measureClonable('x'.repeat(2000), 900, 'data', 1024)).message).toMatch(/^The event is larger than maxEventBytes \(1024 bytes; its data alone is over \d+ bytes/)
    expect(catchError(() => measureClonable(new Uint8Array(new ArrayBuffer(4096), 0, 4), 1000)).code).toBe('SYNC_TOO_LARGE')
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
      expect(catchError(() => measureClonable(nest(MAX_DEPTH + 1, wrap), Infinity))).toMatchObject({ code: 'SYNC_NOT_CLONABLE', message: expect.stringContaining(`more than ${MAX_DEPTH} levels`) })
      expect(catchError(() => measureClonable(nest(100_000, wrap), Infinity)).code).toBe('SYNC_NOT_CLONABLE')
    }
  })

  it("checks an array's own non-index properties, which structured clone copies too", () => {
    const withKey = (key: string, value: unknown) => Object.assign([1, 2], { [key]: value })
    expect(catchError(() => measureClonable(withKey('render', () => 1), LIMIT)).code).toBe('SYNC_NOT_CLONABLE')
    expect(catchError(() => measureClonable(withKey('note', 'x'.repeat(2000)), 1000)).code).toBe('SYNC_TOO_LARGE')
    expect(catchError(() => measureClonable(withKey('constructor', {}), LIMIT)).code).toBe('SYNC_UNSAFE_KEY')
    const crafted = [1]
    Object.defineProperty(crafted, '__proto__', { value: { polluted: true }, enumerable: true })
    expect(catchError(() => measureClonable(crafted, LIMIT)).code).toBe('SYNC_UNSAFE_KEY')
    const holey = [, 1] as unknown[]
    Object.assign(holey, { extra: () => 1 })
    expect(catchError(() => measureClonable(holey, LIMIT)).code).toBe('SYNC_NOT_CLONABLE')
    expect(measureClonable(Object.assign([1, 2], { note: 'ok' }), LIMIT)).toBeGreaterThan(0)
  })

  it('does not expand a diamond-shaped structure exponentially', () => {
    let level: unknown[] = ['x']
    for (let i = 0; i < 64; i++) level = [level, level]
    expect(measureClonable(level, LIMIT)).toBeLessThan(10_000)
  })

  describe('stops at its budget, never walking further than it may accept', () => {
    it('refuses a sparse array of length 2^32-1 at once: its slots are charged before any is read', () => {
      for (const length of [1e7, 1e8, 2 ** 32 - 1]) {
        const sparse: unknown[] = []
        sparse.length = length
        const { array, touches } = watched(sparse)
        // Walking 1e7 slots with a path string each took 8 s and 719 MB in a browser.
        expect(catchError(() => measureClonable({ list: array }, LIMIT))).toMatchObject({ code: 'SYNC_TOO_LARGE', message: expect.stringContaining('at data.list') })
        expect(touches()).toBe(0)
      }
    })

    it('refuses a dense array of 5,000,000 numbers without reading it', () => {
      const { array, touches } = watched(new Array<number>(5_000_000).fill(1))
      expect(catchError(() => measureClonable(array, LIMIT)).code).toBe('SYNC_TOO_LARGE')
      expect(touches()).toBe(0)
    })

    it('reads an array within budget through the same watch (so the two tests above can fail)', () => {
      const { array, touches } = watched([1, 2, 3])
      measureClonable(array, LIMIT)
      expect(touches()).toBeGreaterThan(0)
    })

    it('refuses a Map or a Set by its size before copying its entries', async () => {
      const copied = { count: 0 }
      // Only this test's collections are counted: the test runner iterates Maps of its own.
      const mine = new WeakSet<object>()
      const forEach = { map: Map.prototype.forEach, set: Set.prototype.forEach }
      // clonable.ts keeps the forEach it finds when it loads (page scripts can't swap it later),
      // so the counting ones are installed before a fresh copy of the module is loaded.
      Map.prototype.forEach = function (this: Map<unknown, unknown>, ...args: Parameters<Map<unknown, unknown>['forEach']>) {
        if (mine.has(this)) copied.count++
        return forEach.map.apply(this, args)
      }
      Set.prototype.forEach = function (this: Set<unknown>, ...args: Parameters<Set<unknown>['forEach']>) {
        if (mine.has(this)) copied.count++
        return forEach.set.apply(this, args)
      }
      try {
        vi.resetModules()
        const fresh = await import('./clonable')
        const map = new Map(Array.from({ length: 200_000 }, (_, i) => [i, i]))
        const set = new Set(Array.from({ length: 200_000 }, (_, i) => i))
        const small = [new Map([[1, 2]]), new Set([1])]
        for (const collection of [map, set, ...small]) mine.add(collection)
        // The fresh module has its own BusError class, so the error is matched by its code.
        for (const big of [map, set]) expect(() => fresh.measureClonable(big, LIMIT)).toThrow(expect.objectContaining({ code: 'SYNC_TOO_LARGE' }))
        expect(copied.count).toBe(0)
        for (const collection of small) fresh.measureClonable(collection, LIMIT)
        expect(copied.count).toBe(2)
      } finally {
        Map.prototype.forEach = forEach.map
        Set.prototype.forEach = forEach.set
      }
    })

    it('measures an array within budget as before: eight bytes a slot, holes included', () => {
      const holey: unknown[] = [1]
      holey.length = 100
      expect(measureClonable(holey, LIMIT)).toBe(8 + 100 * 8)
      expect(measureClonable([1, 'ab', [2]], LIMIT)).toBe(8 + 3 * 8 + 2 + 8)
    })

    it('measures a flat object (the shortcut for small events) as the walk does, and leaves its refusals to the walk', () => {
      // 8 for the slot, then per key its name, its slot and its value (strings by length).
      expect(measureClonable({ a: 'xy', bb: 1, c: null, d: undefined }, LIMIT)).toBe(8 + (1 + 8 + 8 + 2) + (2 + 8 + 8) + (1 + 8 + 8) + (1 + 8 + 8))
      expect(measureClonable({ a: 'xy', bb: 1, c: null, d: undefined }, LIMIT)).toBe(measureClonable({ a: 'xy', bb: 1, c: null, d: undefined, e: {} }, LIMIT) - (1 + 8 + 8))
      expect(measureClonable(Object.create(null) as object, LIMIT)).toBe(8)
      expect(measureClonable('abc', LIMIT)).toBe(8 + 3)
      expect(catchError(() => measureClonable({ ok: 1, f: () => 1 }, LIMIT)).message).toContain('data.f is a function')
      expect(catchError(() => measureClonable({ ok: 1, s: Symbol('s') }, LIMIT)).message).toContain('data.s is a symbol')
      expect(catchError(() => measureClonable(JSON.parse('{"ok":1,"__proto__":1}') as unknown, LIMIT)).code).toBe('SYNC_UNSAFE_KEY')
      expect(catchError(() => measureClonable({ [Symbol.toStringTag]: 'Spoof', a: 1 }, LIMIT)).code).toBe('SYNC_NOT_CLONABLE')
      expect(catchError(() => measureClonable({ a: 'x'.repeat(30) }, 40)).message).toContain('at data.a')
    })

    it('names the path of what it refuses, inside Maps, Sets and arrays', () => {
      const data = { a: [0, new Map([['k', new Set([() => 1])]])] }
      expect(catchError(() => measureClonable(data, LIMIT)).message).toContain('data.a[1] (a Map value) (a Set entry) is a function')
    })
  })
})
