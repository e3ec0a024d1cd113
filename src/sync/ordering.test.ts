import { describe, expect, it } from 'vitest'
import { OriginTracker } from './ordering'

describe('OriginTracker', () => {
  it('delivers the first event of an origin whatever its seq, then the next ones in order', () => {
    const tracker = new OriginTracker()
    expect(tracker.admit('a', 41)).toEqual({ deliver: true, missed: 0 })
    expect(tracker.admit('a', 42)).toEqual({ deliver: true, missed: 0 })
    expect(tracker.admit('b', 1)).toEqual({ deliver: true, missed: 0 })
  })

  it('discards duplicates and events older than the last one', () => {
    const tracker = new OriginTracker()
    tracker.admit('a', 5)
    expect(tracker.admit('a', 5)).toEqual({ deliver: false, missed: 0 })
    expect(tracker.admit('a', 3)).toEqual({ deliver: false, missed: 0 })
    expect(tracker.lastSeq('a')).toBe(5)
  })

  it('reports how many events a gap lost and carries on after it', () => {
    const tracker = new OriginTracker()
    tracker.admit('a', 1)
    expect(tracker.admit('a', 5)).toEqual({ deliver: true, missed: 3 })
    expect(tracker.admit('a', 6)).toEqual({ deliver: true, missed: 0 })
  })

  it('treats a forgotten origin as new', () => {
    const tracker = new OriginTracker()
    tracker.admit('a', 1)
    tracker.forget('a')
    expect(tracker.admit('a', 9)).toEqual({ deliver: true, missed: 0 })
    tracker.reset()
    expect(tracker.admit('a', 20)).toEqual({ deliver: true, missed: 0 })
  })
})
