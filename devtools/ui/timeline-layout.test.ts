import { describe, expect, it } from 'vitest'
import { brushRange, columnCounts, laneAt, laneKey, nearestMark, rangeAround, timeAt, xOf } from './timeline-layout'

describe('timeline layout', () => {
  it('maps times to pixels and back, with room either side of the events', () => {
    const range = rangeAround(1000, 11_000)
    expect(range.from).toBeLessThan(1000)
    expect(range.to).toBeGreaterThan(11_000)
    expect(xOf(range.from, range, 500)).toBe(0)
    expect(xOf(range.to, range, 500)).toBe(500)
    expect(timeAt(xOf(6000, range, 500), range, 500)).toBeCloseTo(6000)
  })

  it('gives one instant (or nothing usable) a range to sit in', () => {
    expect(rangeAround(5000, 5000)).toEqual({ from: 4500, to: 5500 })
    expect(rangeAround(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY)).toEqual({ from: 0, to: 1 })
  })

  it('zooms to a brush in either direction, and takes a short drag for a click', () => {
    const range = { from: 0, to: 1000 }
    expect(brushRange(100, 300, range, 1000)).toEqual({ from: 100, to: 300 })
    expect(brushRange(300, 100, range, 1000)).toEqual({ from: 100, to: 300 })
    expect(brushRange(100, 102, range, 1000)).toBeUndefined()
    expect(brushRange(-50, 2000, range, 1000)).toEqual({ from: 0, to: 1000 })
  })

  it('finds the lane under a pointer and the nearest mark within reach', () => {
    expect([laneAt(0, 28, 3), laneAt(83, 28, 3), laneAt(84, 28, 3), laneAt(-1, 28, 3)]).toEqual([0, 2, -1, -1])
    expect(nearestMark([10, 50, 52], 51, 6)).toBe(2)
    expect(nearestMark([10, 50], 30, 6)).toBe(-1)
  })

  it('keys lanes by sending context, or by the bridge that brought the event in', () => {
    expect(laneKey('abc', undefined)).toBe('abc')
    expect(laneKey('external', 'nats')).toBe('bridge:nats')
  })

  it('counts marks per pixel column of each lane, leaving out what falls outside the plot', () => {
    const counts = columnCounts([0, 0, 1, 1], [2.2, 2.9, 0, 7], 2, 4)
    expect([...counts]).toEqual([0, 0, 2, 0, 1, 0, 0, 0])
  })
})
