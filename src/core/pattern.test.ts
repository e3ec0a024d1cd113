import { describe, expect, it } from 'vitest'
import { BusError } from './errors'
import { catchError } from '../testing/catch-error'
import { compilePolicy } from './policy'
import { compilePattern } from './pattern'
import { Router } from './router'

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

describe('braces and partial segments mean the same everywhere', () => {
  it.each([
    ['{orders.**,payments}', 'orders', true],
    ['{orders.**,payments}', 'orders.eu.west', true],
    ['{orders}.internal', 'orders.internal', true],
    ['ord*.**', 'orders', true],
    ['ord*.**', 'orders.eu', true],
    ['orders{,.eu}', 'orders', true],
    ['orders{,.eu}', 'orders.eu', true],
    ['orders{,.eu}', 'orders.us', false],
    ['{a,b.{c,d}}', 'b.d', true],
    ['[ab].c', 'b.c', true],
    ['[!ab].c', 'b.c', false],
    ['[!ab].c', 'x.c', true],
    ['a?', 'ab', true],
    ['a?', 'a.b', false],
  ])('%s against %s is %s', (pattern, name, expected) => {
    expect(matches(pattern, name)).toBe(expected)
  })

  it.each(['a.(b|c)', 'a.@(b|c)', 'a.b!', 'a.[]', '{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}{q,r}'])('refuses %j with MALFORMED_PATTERN', (pattern) => {
    expect(catchError(() => compilePattern(pattern))).toMatchObject({ code: 'MALFORMED_PATTERN' })
  })
})

/**
 * The documented rules, written a second way: braces expanded by a regular expression, then each
 * alternative turned into one regular expression over "." + name, where `**` is `(\.[^.]+)*`.
 */
function oracle(pattern: string, name: string): boolean {
  const group = /\{([^{}]*)\}/
  let alternatives = [pattern]
  while (alternatives.some((a) => group.test(a))) {
    alternatives = alternatives.flatMap((a) => {
      const found = group.exec(a)
      return found ? found[1]!.split(',').map((option) => a.slice(0, found.index) + option + a.slice(found.index + found[0].length)) : [a]
    })
  }
  return alternatives.some((alternative) => {
    const source = alternative
      .split('.')
      .map((segment) => {
        if (segment === '**') return '(?:\\.[^.]+)*'
        const body = segment.replace(/[.+^$|\\]/g, '\\$&').replace(/\*/g, '[^.]*').replace(/\?/g, '[^.]').replace(/\[!/g, '[^')
        return segment === '*' ? '\\.[^.]+' : `\\.${body}`
      })
      .join('')
    return new RegExp(`^${source}$`).test(`.${name}`)
  })
}

describe('one matcher for subscriptions, the router and policies', () => {
  // A small deterministic generator: the same cases on every run.
  let state = 42
  const random = (n: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31
    return state % n
  }
  const names = ['orders', 'ord', 'orders.eu', 'orders.eu.west', 'orders.internal', 'payments', 'payments.eu', 'users.eu.west', 'a', 'ab', 'b.c']
  const segment = (): string => ['orders', 'ord*', '*', '**', 'eu', 'e?', '[ep]*', 'payments', 'west', 'internal', 'a', 'b', 'c', '{eu,us}'][random(14)]!
  const pattern = (): string => {
    const parts = Array.from({ length: 1 + random(3) }, segment)
    const joined = parts.join('.')
    return random(4) === 0 ? `{${joined},${segment()}}` : joined
  }
  const patterns = Array.from({ length: 400 }, pattern).filter((p) => {
    try {
      compilePattern(p)
      return true
    } catch {
      return false
    }
  })

  it('agrees with the documented rules on generated patterns', () => {
    expect(patterns.length).toBeGreaterThan(300)
    let matched = 0
    for (const p of patterns) {
      for (const name of names) {
        expect(matches(p, name), `${p} against ${name}`).toBe(oracle(p, name))
        if (oracle(p, name)) matched++
      }
    }
    // Both answers are common, so agreeing means something.
    expect(matched).toBeGreaterThan(patterns.length / 2)
    expect(matched).toBeLessThan(patterns.length * names.length * 0.8)
  })

  it('routes, allows and denies exactly what the pattern matches', () => {
    const router = new Router<{ serial: number; pattern: ReturnType<typeof compilePattern>; admits: () => boolean }>()
    const routes = patterns.map((p, serial) => ({ serial, pattern: compilePattern(p), admits: () => true }))
    for (const route of routes) router.add(route)
    for (const name of names) {
      const routed = new Set(router.match(name))
      for (const route of routes) {
        const expected = oracle(route.pattern.source, name)
        expect(routed.has(route), `router: ${route.pattern.source} against ${name}`).toBe(expected)
        const allow = compilePolicy({ send: [route.pattern.source] })
        const deny = compilePolicy({ send: ['**'], deny: { send: [route.pattern.source] } })
        expect(allow('events.send', name), `allow ${route.pattern.source} for ${name}`).toBe(expected)
        expect(deny('events.send', name), `deny ${route.pattern.source} for ${name}`).toBe(!expected)
      }
    }
  })
})

describe('globs match in time linear in the name, whatever the pattern (issue 21)', () => {
  // Each case took seconds to minutes with per-segment regular expressions; they return at once now.
  it('a policy deny *tmp*tmp*tmp*x against a 2,400-character name', () => {
    const policy = compilePolicy({ send: ['**'], deny: { send: ['*tmp*tmp*tmp*x'] } })
    const name = 'tmp'.repeat(800)
    expect(policy('events.send', name)).toBe(true)
    expect(policy('events.send', `${name}x`)).toBe(false)
  })

  it('a subscription *a*a*a*a*a*a*a*b against 64 characters and more', () => {
    for (const length of [64, 256, 10_000]) {
      expect(matches('*a*a*a*a*a*a*a*b', 'a'.repeat(length))).toBe(false)
      expect(matches('*a*a*a*a*a*a*a*b', `${'a'.repeat(length)}b`)).toBe(true)
    }
  })

  it('orders.*eu*west* against 100,007 characters', () => {
    const name = `orders.${'eu'.repeat(50_000)}`
    expect(matches('orders.*eu*west*', name)).toBe(false)
    expect(matches('orders.*eu*west*', `${name}west`)).toBe(true)
  })

  it('nested globstars against many segments, in patterns and in the router', () => {
    const name = `${'a.'.repeat(120)}y`
    expect(matches('**.**.**.**.**.**.x', name)).toBe(false)
    expect(matches('**.**.**.**.**.**.y', name)).toBe(true)
    expect(matches('**.a.**.a.**.{x,z}', name)).toBe(false)
    const router = new Router<{ serial: number; pattern: ReturnType<typeof compilePattern>; admits: () => boolean }>()
    const route = (p: string, serial: number) => ({ serial, pattern: compilePattern(p), admits: () => true })
    const [never, always] = [route('**.**.**.**.**.**.x', 1), route('**.**.**.**.**.**.y', 2)]
    router.add(never)
    router.add(always)
    expect(router.match(name)).toEqual([always])
  })

  it('character classes take ranges, and refuse one that runs backwards', () => {
    expect(matches('[a-c]x', 'bx')).toBe(true)
    expect(matches('[a-c]x', 'dx')).toBe(false)
    expect(matches('[!a-c]x', 'dx')).toBe(true)
    expect(matches('x[a-]', 'x-')).toBe(true)
    expect(catchError(() => compilePattern('[z-a]'))).toMatchObject({ code: 'MALFORMED_PATTERN' })
  })

  it('expands repeated equal alternatives once each, not 2^n times', () => {
    // 40 groups of {a,a}: expanding every group once per alternative took 2^40 steps.
    const pattern = compilePattern(`x.${'{a,a}'.repeat(40)}`)
    expect(pattern.type).toBe('segments')
    expect(pattern.test(`x.${'a'.repeat(40)}`)).toBe(true)
  })

  it('refuses a pattern whose alternatives come to more than 16,384 characters, which would be slow to compile', () => {
    const braces = '{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}' // 256 alternatives
    expect(compilePattern(`${braces}${'*x'.repeat(25)}`).test(`acegikmo${'x'.repeat(25)}`)).toBe(true)
    const error = catchError(() => compilePattern(`${braces}${'*x'.repeat(30)}`))
    expect(error).toMatchObject({ kind: 'INVALID', code: 'MALFORMED_PATTERN', retryable: false })
    expect(error.message).toContain('16384 characters')
  })

  it('refuses a pattern over 4,096 characters with PATTERN_TOO_LONG', () => {
    expect(compilePattern(`orders.${'*eu'.repeat(1300)}`).type).toBe('glob')
    const error = catchError(() => compilePattern(`orders.${'*eu'.repeat(1400)}`, 'system pattern'))
    expect(error).toMatchObject({ kind: 'INVALID', code: 'PATTERN_TOO_LONG', retryable: false })
    expect(error.message).toContain('4096')
  })
})
