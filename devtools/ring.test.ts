import { describe, expect, it } from 'vitest'
import { Ring } from './ring'

describe('Ring', () => {
  it('keeps the latest items under their numbers and forgets the oldest first', () => {
    const ring = new Ring<string>(3)
    for (const item of ['a', 'b', 'c', 'd']) ring.push(item)
    expect([ring.first, ring.end, ring.size]).toEqual([1, 4, 3])
    expect([ring.get(0), ring.get(1), ring.get(3), ring.get(4)]).toEqual([undefined, 'b', 'd', undefined])
  })

  it('clears without reusing numbers', () => {
    const ring = new Ring<string>(2)
    ring.push('a')
    ring.clear()
    expect(ring.push('b')).toBe(1)
    expect([ring.get(0), ring.get(1), ring.size]).toEqual([undefined, 'b', 1])
  })

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new Ring(0)).toThrow('A ring needs a positive integer capacity, got 0.')
    expect(() => new Ring(1.5)).toThrow(RangeError)
  })
})
