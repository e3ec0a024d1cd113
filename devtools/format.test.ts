import { describe, expect, it } from 'vitest'
import { dateAt, jsonText, problemOf, textOf } from './format'

describe('format', () => {
  it('gives JSON text, or why there is none, without throwing', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(jsonText({ a: [1, 'b'] })).toEqual({ text: '{"a":[1,"b"]}' })
    expect(jsonText({ a: 1 }, 2)).toEqual({ text: '{\n  "a": 1\n}' })
    expect(jsonText(undefined)).toEqual({ text: '' })
    expect(jsonText({ n: 10n }).problem).toMatch(/BigInt/)
    expect(jsonText(cyclic).problem).toMatch(/circular/)
    expect(jsonText({ get boom(): never { throw new Error('boom') } })).toEqual({ problem: 'boom' })
    // A thrown value that cannot even be printed.
    expect(jsonText({ toJSON: () => { throw Object.create(null) } })).toEqual({ problem: 'an unprintable value was thrown' })
  })

  it('prints any value and any thrown thing', () => {
    expect(textOf(10n)).toBe('10')
    expect(textOf(Object.create(null))).toMatch(/^\(cannot be shown: /)
    expect(problemOf('plain')).toBe('plain')
    expect(problemOf(new TypeError('typed'))).toBe('typed')
  })

  it('has a date only for times a date can hold', () => {
    expect(dateAt(-1)!.toISOString()).toBe('1969-12-31T23:59:59.999Z')
    expect(dateAt(1.5)!.toISOString()).toBe('1970-01-01T00:00:00.001Z')
    expect(dateAt(-62_167_219_200_000)!.toISOString()).toBe('0000-01-01T00:00:00.000Z')
    for (const bad of [1e20, -1e20, Number.NaN, Number.POSITIVE_INFINITY, '0', undefined]) expect(dateAt(bad)).toBeUndefined()
  })
})
