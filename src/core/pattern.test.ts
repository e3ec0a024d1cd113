import { describe, expect, it } from 'vitest'
import { BusError } from './errors'
import { catchError } from '../testing/catch-error'
import picomatch from 'picomatch/posix'
import { compileGlob, compilePattern } from './pattern'

const matches = (pattern: string, name: string) => compilePattern(pattern).test(name)

describe('patterns', () => {
  it.each([
    ['orders', 'orders', true],
    ['orders', 'orders.eu', false],
    ['orders.*', 'orders.eu', true],
    ['orders.*', 'orders', false],
    ['orders.*', 'orders.eu.west', false],
    ['orders.**', 'orders', true],
    ['orders.**', 'orders.eu', true],
    ['orders.**', 'orders.eu.west', true],
    ['orders.**', 'ordersx', false],
    ['**', 'anything.at.all', true],
    ['*', 'orders', true],
    ['*', 'orders.eu', false],
    ['{orders,users}', 'users', true],
    ['{orders,users}', 'payments', false],
    ['{orders,users}.*', 'orders.eu', true],
    ['ord*', 'orders', true],
    ['ord*', 'orders.eu', false],
    ['order.?', 'order.a', true],
    ['*.created', 'order.created', true],
    ['*.created', 'order.updated', false],
    ['orders.*.**', 'orders', false],
    ['orders.*.**', 'orders.eu', true],
    ['orders.*.**', 'orders.eu.west', true],
    ['orders.**.west', 'orders.west', true],
    ['orders.**.west', 'orders.eu.north.west', true],
  ])('%s against %s is %s', (pattern, name, expected) => {
    expect(matches(pattern, name)).toBe(expected)
  })

  it('sorts patterns by how the router can index them', () => {
    expect(compilePattern('orders').type).toBe('exact')
    expect(compilePattern('orders.*').type).toBe('segments')
    expect(compilePattern('orders.**.eu').type).toBe('segments')
    expect(compilePattern('{orders,users}').type).toBe('glob')
    expect(compilePattern('ord*').type).toBe('glob')
  })

  it.each([
    ['', 'EMPTY_PATTERN'],
    ['orders/eu', 'MALFORMED_PATTERN'],
    ['orders..eu', 'MALFORMED_PATTERN'],
    ['.orders', 'MALFORMED_PATTERN'],
    ['orders.', 'MALFORMED_PATTERN'],
    ['{orders,users', 'MALFORMED_PATTERN'],
    ['orders]', 'MALFORMED_PATTERN'],
    ['!orders', 'MALFORMED_PATTERN'],
    ['orders**', 'MALFORMED_PATTERN'],
  ])('refuses %j with %s', (pattern, code) => {
    const error = catchError(() => compilePattern(pattern))
    expect(error).toBeInstanceOf(BusError)
    expect(error).toMatchObject({ kind: 'INVALID', code, retryable: false })
    expect(error.message).toContain(pattern === '' ? 'empty' : pattern)
  })

  it.each([[42], [null], [undefined], [['orders']], [{}]])('refuses the non-string %j', (pattern) => {
    expect(catchError(() => compilePattern(pattern))).toMatchObject({ kind: 'INVALID', code: 'INVALID_ARGUMENT', retryable: false })
  })
})

describe('globs', () => {
  it('match exactly as picomatch does, with "." as the separator', () => {
    const globs = ['{a,b}.c', 'a?', 'a*', '*b', 'a.{b,c}.*', '[ab].c', 'a.@(b|c)', 'a.+(b)', '{a,b.{c,d}}', 'a.b*.**', '**.c*']
    const names = ['a', 'b', 'ab', 'a.c', 'b.c', 'c.c', 'a.b', 'a.b.c', 'a.c.d', 'a.bb', 'a.bx.y.z', 'x.cc', 'b.d']
    for (const glob of globs) {
      const ours = compileGlob(glob)
      const theirs = picomatch(glob.replaceAll('.', '/'), { dot: true })
      for (const name of names) expect(ours(name), `${glob} against ${name}`).toBe(theirs(name.replaceAll('.', '/')))
    }
  })
})
