import { describe, expect, it } from 'vitest'
import type { BusEvent } from '../core/index'
import { RecentEvents } from './recent'
import { roughSize } from './rough-size'

const event = (origin: string, seq: number, data: unknown = null): BusEvent => ({ id: `${origin}-${seq}`, system: 's', kind: 'k', path: '/', data, time: seq, origin, seq })
const all = () => true

describe('RecentEvents', () => {
  it('adds to history what the store does not have yet, in store order', () => {
    const recent = new RecentEvents(100, 1 << 20)
    for (let seq = 1; seq <= 4; seq++) recent.add(event('a', seq), true)
    expect(recent.mergeInto([event('a', 1), event('a', 2)], all).map((e) => e.id)).toEqual(['a-1', 'a-2', 'a-3', 'a-4'])
  })

  it('keeps at most its capacity, the latest', () => {
    const recent = new RecentEvents(2, 1 << 20)
    for (let seq = 1; seq <= 5; seq++) recent.add(event('a', seq), true)
    expect(recent.mergeInto([], all).map((e) => e.id)).toEqual(['a-4', 'a-5'])
  })

  it('keeps at most its byte budget of large events, so a flood of 1 MiB events cannot hold gigabytes', () => {
    const recent = new RecentEvents(10_000, 8 * 1024 * 1024)
    const big = 'x'.repeat(1024 * 1024)
    for (let seq = 1; seq <= 100; seq++) recent.add(event('a', seq, { big }), true)
    const kept = recent.mergeInto([], all)
    expect(kept.length).toBeLessThanOrEqual(8)
    expect(kept.at(-1)!.seq).toBe(100)
  })
})

describe('roughSize', () => {
  it('counts strings, binary and nested data, and what lies past the values it looks at', () => {
    expect(roughSize('x'.repeat(1000))).toBeGreaterThanOrEqual(1000)
    expect(roughSize(new Uint8Array(4096))).toBeGreaterThanOrEqual(4096)
    expect(roughSize({ a: { b: ['x'.repeat(500)] } })).toBeGreaterThanOrEqual(500)
    expect(roughSize(new Array(1_000_000).fill(1))).toBeGreaterThanOrEqual(8_000_000)
  })
})
