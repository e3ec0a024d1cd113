import { describe, expect, it } from 'vitest'
import { compilePattern } from './pattern'
import { disjointRanges, inSystemRanges, RANGE_GLOB_CHARS, systemRangesOf, type SystemRange } from './system-range'
import { GLOB_CHARS } from './validate'

const rangesOf = (pattern: string) => systemRangesOf(compilePattern(pattern))

describe('systemRangesOf', () => {
  it('knows the glob characters names may not have', () => {
    expect(RANGE_GLOB_CHARS.source).toBe(GLOB_CHARS.source)
  })

  it.each<[string, SystemRange[] | undefined]>([
    ['orders', [{ equals: 'orders' }]],
    ['orders.eu', [{ equals: 'orders.eu' }]],
    ['orders.*', [{ startsWith: 'orders.' }]],
    ['orders.**', [{ equals: 'orders' }, { startsWith: 'orders.' }]],
    ['orders.**.**', [{ equals: 'orders' }, { startsWith: 'orders.' }]],
    ['orders.eu.*', [{ startsWith: 'orders.eu.' }]],
    ['orders.*.west', [{ startsWith: 'orders.' }]],
    ['orders.**.west', [{ startsWith: 'orders.' }]],
    ['orders.e*', [{ startsWith: 'orders.e' }]],
    ['ord*', [{ startsWith: 'ord' }]],
    ['o?ders', [{ startsWith: 'o' }]],
    ['{orders,users}', [{ equals: 'orders' }, { equals: 'users' }]],
    ['{orders,users}.*', [{ startsWith: 'orders.' }, { startsWith: 'users.' }]],
    ['{orders.eu,users}.*', [{ startsWith: 'orders.eu.' }, { startsWith: 'users.' }]],
    ['or{d,x}ers.*', [{ startsWith: 'orders.' }, { startsWith: 'orxers.' }]],
    ['{orders,ord{x,ers}}', [{ equals: 'orders' }, { equals: 'ordx' }]],
    ['{orders,orders.eu}.**', [{ equals: 'orders' }, { startsWith: 'orders.' }]],
    ['orders.[ab]', [{ startsWith: 'orders.' }]],
    ['or[dx]ers.*', [{ startsWith: 'or' }]],
    ['**', undefined],
    ['*', undefined],
    ['*.x', undefined],
    ['?rders', undefined],
    ['{orders,*}.x', undefined],
  ])('%s reads %j', (pattern, expected) => {
    expect(rangesOf(pattern)).toEqual(expected)
  })

  it('gives up on brace groups with too many alternatives rather than reading one range each', () => {
    const many = `app.{${Array.from({ length: 40 }, (_, i) => `s${i}`).join(',')}}.x`
    expect(rangesOf(many)).toEqual([{ startsWith: 'app' }])
  })

  it('never misses a system the pattern matches (generated patterns against generated systems)', () => {
    const names = ['orders', 'ord', 'ordx', 'users', 'eu', 'west', 'x', 'a']
    const systems: string[] = []
    const grow = (prefix: string, depth: number) => {
      for (const name of names) {
        const system = prefix === '' ? name : `${prefix}.${name}`
        systems.push(system)
        if (depth > 1) grow(system, depth - 1)
      }
    }
    grow('', 3)
    const parts = [
      ...names,
      '*', '**', '?', 'ord*', '*s', 'o?ders', 'e?', '[ou]rders', '[!o]*',
      '{orders,users}', '{eu,west.x}', 'or{d,x}ers', '{a,b}*', '{orders,ord{x,ers}}', '{,a.}x', 'orders{,.eu}',
      'or[dx]ers', '{orders,a}*', '{**,x}', '{*,orders.**}',
    ]
    const random = seeded(Number(process.env.RANGE_SEED ?? 20240611))
    let checked = 0
    for (let n = 0; n < Number(process.env.RANGE_SAMPLES ?? 3000); n++) {
      const length = 1 + Math.floor(random() * 4)
      const source = Array.from({ length }, () => parts[Math.floor(random() * parts.length)]).join('.')
      let pattern
      try {
        pattern = compilePattern(source)
      } catch {
        continue // malformed (e.g. `**` next to text): nothing to read
      }
      const ranges = systemRangesOf(pattern)
      for (const system of systems) {
        if (!pattern.test(system)) continue
        checked++
        if (!inSystemRanges(system, ranges)) expect.fail(`${source} matches ${system}, outside ${JSON.stringify(ranges)}`)
      }
    }
    expect(checked).toBeGreaterThan(10_000)
  }, 600_000)
})

describe('disjointRanges', () => {
  it('drops duplicates and ranges inside a shorter prefix, keeping the first order', () => {
    expect(
      disjointRanges([
        { equals: 'orders.eu' },
        { startsWith: 'orders.' },
        { startsWith: 'users.eu' },
        { equals: 'orders' },
        { startsWith: 'orders.' },
        { startsWith: 'users.' },
        { equals: 'orders' },
      ]),
    ).toEqual([{ startsWith: 'orders.' }, { equals: 'orders' }, { startsWith: 'users.' }])
  })
})

describe('inSystemRanges', () => {
  it('takes every system without ranges and none with an empty list', () => {
    expect(inSystemRanges('orders', undefined)).toBe(true)
    expect(inSystemRanges('orders', [])).toBe(false)
    expect(inSystemRanges('orders.eu', [{ equals: 'orders' }, { startsWith: 'orders.' }])).toBe(true)
    expect(inSystemRanges('ordersx', [{ equals: 'orders' }, { startsWith: 'orders.' }])).toBe(false)
  })
})

/** A small deterministic generator (mulberry32), so a failure reproduces. */
function seeded(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
