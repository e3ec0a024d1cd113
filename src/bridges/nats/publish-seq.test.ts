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
})
