import { describe, expect, it } from 'vitest'
import { decodeValue, encodeValue } from './wire'

const roundTrip = (value: unknown) => decodeValue(JSON.parse(JSON.stringify(encodeValue(value))))

describe('the wire between page and panel', () => {
  it('gives back what JSON cannot hold', () => {
    const data = { when: new Date(5), big: 12345678901234567890n, gone: undefined, nan: Number.NaN, inf: -Infinity, tags: new Set(['a']), byId: new Map([[1, { x: [1, 2] }]]), bytes: new Uint16Array([1, 65535]) }
    expect(roundTrip(data)).toEqual(data)
    expect(roundTrip(undefined)).toBeUndefined()
  })

  it('says what it cannot carry instead of failing: a cycle, a class instance, a function', () => {
    const looped: Record<string, unknown> = { name: 'loop' }
    looped.self = looped
    expect(roundTrip(looped)).toEqual({ name: 'loop', self: '[cycle]' })
    expect(roundTrip({ blob: new (class Blobby {})(), fn: () => 1 })).toEqual({ blob: '[Blobby]', fn: '[function]' })
    // The same object twice is no cycle.
    const shared = { a: 1 }
    expect(roundTrip([shared, shared])).toEqual([{ a: 1 }, { a: 1 }])
  })

  it('keeps plain JSON as it is, and a forged tag from a page stays data', () => {
    const plain = { a: [1, 'two', null, true], nested: { '<img src=x onerror=alert(1)>': 'x' } }
    expect(roundTrip(plain)).toEqual(plain)
    expect(decodeValue({ '\u0000crossbus': 'bigint', v: '1e9; alert(1)' })).toBe('1e9; alert(1)')
    expect(decodeValue({ '\u0000crossbus': 'bytes', type: 'constructor', v: [1] })).toEqual([1])
  })
})
