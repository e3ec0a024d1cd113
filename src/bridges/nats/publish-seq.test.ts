import { describe, expect, it } from 'vitest'
import { GapTracker, PublishSeqs } from './publish-seq'

describe('publish numbers', () => {
  it('count per subject from 1, a number taken only once its message is published', () => {
    const seqs = new PublishSeqs('tab')
    expect(seqs.next('a')).toBe('tab~0 1')
    // Not committed (the publish failed): the next message takes the number.
    expect(seqs.next('a')).toBe('tab~0 1')
    seqs.commit('a', 'tab~0 1')
    expect(seqs.next('a')).toBe('tab~0 2')
    expect(seqs.next('b')).toBe('tab~0 1')
  })

  it('a receiver counts the messages it missed per publisher and subject, and ignores repeats, strangers and garbage', () => {
    const gaps = new GapTracker()
    expect(gaps.seen('a', 'tab~0 5')).toBe(0)
    expect(gaps.seen('a', 'tab~0 6')).toBe(0)
    expect(gaps.seen('a', 'tab~0 10')).toBe(3)
    // A republish of what it already has, the same numbers on another subject or publisher.
    expect(gaps.seen('a', 'tab~0 8')).toBe(0)
    expect(gaps.seen('b', 'tab~0 1')).toBe(0)
    expect(gaps.seen('a', 'other~0 1')).toBe(0)
    expect(gaps.seen('a', 'tab~0 11')).toBe(0)
    for (const stamp of [undefined, '', '12', 'tab~0 x', 'tab~0 0', 'tab~0 -3', ' 12']) expect(gaps.seen('a', stamp)).toBe(0)
    expect(gaps.seen('a', 'tab~0 12')).toBe(0)
  })
  it('a receiver follows many publishers at once, forgetting the one heard longest ago past its bound', () => {
    const gaps = new GapTracker()
    expect(gaps.seen('a', 'first~0 1')).toBe(0)
    for (let p = 0; p < 9000; p++) expect(gaps.seen('a', `p${p}~0 1`)).toBe(0)
    // Forgotten: a jump from it is no gap anymore (nothing to compare with).
    expect(gaps.seen('a', 'first~0 5')).toBe(0)
    // Still followed: the newest ones, heard again and again.
    expect(gaps.seen('a', 'p8999~0 2')).toBe(0)
    expect(gaps.seen('a', 'p8999~0 3')).toBe(0)
    expect(gaps.seen('a', 'p8999~0 6')).toBe(2)
    expect(gaps.seen('a', 'p8998~0 3')).toBe(1)
  })
})
