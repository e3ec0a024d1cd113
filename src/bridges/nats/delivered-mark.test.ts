import { afterEach, describe, expect, it, vi } from 'vitest'
import { DeliveredMark } from './delivered-mark'

/** A localStorage of a Map, as the browser's keeps strings by key. */
function stubStorage(): Map<string, string> {
  const items = new Map<string, string>()
  vi.stubGlobal('localStorage', {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  })
  return items
}

afterEach(() => vi.unstubAllGlobals())

describe('DeliveredMark', () => {
  it('covers what the bus had, across readers of the same consumer and stream; never moves back', () => {
    const items = stubStorage()
    const first = new DeliveredMark('c1', 'S@t1')
    expect(first.covers(1)).toBe(false)
    first.advance(10)
    first.advance(4)
    expect(first.covers(10)).toBe(true)
    expect(first.covers(11)).toBe(false)
    expect(items.get('crossbus-nats:c1')).toBe('S@t1 10')
    // A tab opened later reads it back; another consumer does not share it.
    expect(new DeliveredMark('c1', 'S@t1').covers(10)).toBe(true)
    expect(new DeliveredMark('c2', 'S@t1').covers(1)).toBe(false)
  })

  it('a stream made again (another creation time) voids the mark; garbage reads as none', () => {
    const items = stubStorage()
    new DeliveredMark('c1', 'S@t1').advance(10)
    expect(new DeliveredMark('c1', 'S@t2').covers(1)).toBe(false)
    items.set('crossbus-nats:c1', 'S@t1 lots')
    expect(new DeliveredMark('c1', 'S@t1').covers(1)).toBe(false)
  })

  it('without localStorage, or with one that refuses writes, it marks in memory only and throws nothing', () => {
    const mark = new DeliveredMark('c1', 'S@t1')
    mark.advance(3)
    expect(mark.covers(3)).toBe(true)
    vi.stubGlobal('localStorage', {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError')
      },
    })
    expect(() => new DeliveredMark('c1', 'S@t1').advance(5)).not.toThrow()
  })
})
