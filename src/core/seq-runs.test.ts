import { describe, expect, it } from 'vitest'
import { SeqRuns } from './seq-runs'

describe('SeqRuns', () => {
  it('knows every seq added, in any order, and refuses a second add', () => {
    const runs = new SeqRuns()
    for (const seq of [1, 2, 5, 3, 9, 4]) expect(runs.add(seq)).toBe(true)
    for (const seq of [1, 2, 3, 4, 5, 9]) expect(runs.has(seq)).toBe(true)
    for (const seq of [6, 7, 8, 10]) expect(runs.has(seq)).toBe(false)
    expect(runs.add(5)).toBe(false)
  })

  it('counts everything up to its floor as delivered', () => {
    const runs = new SeqRuns(10)
    expect(runs.has(3)).toBe(true)
    expect(runs.add(10)).toBe(false)
    expect(runs.add(11)).toBe(true)
  })

  it('stays small: past eight runs, the oldest sink into the floor', () => {
    const runs = new SeqRuns()
    for (let seq = 2; seq <= 40; seq += 2) runs.add(seq)
    // The oldest gaps are given up: their seqs count as delivered now; the newest are still open.
    expect(runs.has(1)).toBe(true)
    expect(runs.has(39)).toBe(false)
    expect(runs.add(39)).toBe(true)
  })
})
