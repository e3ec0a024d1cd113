import { describe, expect, it } from 'vitest'
import { sortByTime, timeKey } from './order'

describe('sortByTime', () => {
  it('orders rows by their time, ties and times no date holds in arrival order', () => {
    const times: Record<number, number> = { 0: 30, 1: 10, 2: Number.NaN, 3: 10, 4: -5, 5: Number.POSITIVE_INFINITY }
    const rows = [0, 1, 2, 3, 4, 5]
    sortByTime(rows, (n) => timeKey(times[n]!))
    expect(rows).toEqual([4, 1, 3, 0, 2, 5])
  })

  it('leaves rows already in order as they are', () => {
    const rows = [3, 1, 2]
    sortByTime(rows, () => 7)
    expect(rows).toEqual([3, 1, 2])
  })
})
