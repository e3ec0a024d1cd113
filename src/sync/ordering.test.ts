import { describe, expect, it } from 'vitest'
import { FIRST_SEQ_MAX, FORGOTTEN_MAX, ORIGINS_KEPT, ORIGINS_MAX, OriginTracker, QUIET_MS, RUNS_MAX, SEQ_AHEAD_MAX } from './ordering'

// Times on one clock: the tracker's own (`now`) and the senders' (`time`) are the same in a browser.
const JOINED = 1_000_000
const at = (offset: number) => JOINED + offset

const NEXT = { deliver: true, missed: 0 }
const DUPLICATE = { deliver: false }
const refused = expect.objectContaining({ deliver: false, refused: expect.any(String) })

function tracker() {
  return new OriginTracker(JOINED)
}

describe('OriginTracker', () => {
  it('delivers the first event of an origin whatever its seq, then the next ones in order', () => {
    const t = tracker()
    expect(t.admit('a', 41, at(1), at(1))).toEqual(NEXT)
    expect(t.admit('a', 42, at(2), at(2))).toEqual(NEXT)
    expect(t.admit('b', 1, at(3), at(3))).toEqual(NEXT)
  })

  it('discards duplicates and events older than the last one', () => {
    const t = tracker()
    t.admit('a', 5, at(1), at(1))
    expect(t.admit('a', 5, at(1), at(2))).toMatchObject(DUPLICATE)
    t.admit('a', 6, at(3), at(3))
    expect(t.admit('a', 6, at(3), at(4))).toMatchObject(DUPLICATE)
  })

  it('reports how many events a gap lost and carries on after it', () => {
    const t = tracker()
    t.admit('a', 1, at(1), at(1))
    expect(t.admit('a', 5, at(2), at(2))).toEqual({ deliver: true, missed: 3 })
    expect(t.admit('a', 6, at(3), at(3))).toEqual(NEXT)
  })

  describe('forged seqs', () => {
    it('refuses a seq more than a million past the last one and keeps delivering the real ones', () => {
      const t = tracker()
      t.admit('a', 1, at(1), at(1))
      expect(t.admit('a', Number.MAX_SAFE_INTEGER, at(2), at(2))).toEqual(refused)
      expect(t.admit('a', 1 + SEQ_AHEAD_MAX + 1, at(2), at(2))).toEqual(refused)
      expect(t.admit('a', 2, at(3), at(3))).toEqual(NEXT)
      expect(t.admit('a', 2 + SEQ_AHEAD_MAX, at(3), at(3))).toMatchObject({ deliver: true })
    })

    it('refuses an absurd first seq (past 10^12), so a forgery heard first silences no one', () => {
      const t = tracker()
      expect(t.admit('a', Number.MAX_SAFE_INTEGER, at(1), at(1))).toEqual(refused)
      expect(t.admit('a', FIRST_SEQ_MAX + 2, at(1), at(1))).toEqual(refused)
      expect(t.admit('a', 1, at(2), at(2))).toEqual(NEXT)
    })

    it('takes a refused jump as real when the next event continues it (a sender this context lost track of)', () => {
      const t = tracker()
      t.admit('a', 1, at(1), at(1))
      const far = 5 + SEQ_AHEAD_MAX
      expect(t.admit('a', far, at(2), at(2))).toEqual(refused)
      expect(t.admit('a', far + 1, at(3), at(3))).toEqual({ deliver: true, missed: far - 1 })
      expect(t.admit('a', far + 2, at(4), at(4))).toEqual(NEXT)
    })

    it('lets the real events a forged seq jumped over through, and the real event with the forged seq too (no slot theft)', () => {
      const t = tracker()
      t.admit('a', 1, at(1), at(1))
      expect(t.admit('a', 4, at(2), at(2))).toEqual({ deliver: true, missed: 2 }) // forged
      expect(t.admit('a', 2, at(3), at(3))).toEqual(NEXT)
      expect(t.admit('a', 3, at(4), at(4))).toEqual(NEXT)
      expect(t.admit('a', 4, at(5), at(5))).toEqual(NEXT) // the real 4
      expect(t.admit('a', 4, at(5), at(6))).toMatchObject(DUPLICATE)
      expect(t.admit('a', 5, at(6), at(6))).toEqual(NEXT)
      expect(t.admit('a', 3, at(4), at(7))).toMatchObject(DUPLICATE)
    })

    it('lets the real events below a forged first seq through, but not events sent before this context joined', () => {
      const t = tracker()
      expect(t.admit('a', 900, at(1), at(1))).toEqual(NEXT) // forged
      expect(t.admit('a', 7, at(-5_000), at(2))).toMatchObject({ deliver: false }) // a replay from before
      expect(t.admit('a', 8, at(3), at(3))).toEqual(NEXT)
      expect(t.admit('a', 9, at(4), at(4))).toEqual(NEXT)
      expect(t.admit('a', 8, at(3), at(5))).toMatchObject(DUPLICATE)
    })

    it('keeps at most 8 runs of delivered seqs per origin, merging the closest two', () => {
      const t = tracker()
      // Runs [1], [100], [200]... [700], then [702]: one too many.
      for (let run = 0; run < RUNS_MAX; run++) t.admit('a', Math.max(1, run * 100), at(1), at(1))
      t.admit('a', 702, at(2), at(2))
      // [700] and [702] merged: 701 now counts as delivered; the other gaps are still open.
      expect(t.admit('a', 701, at(3), at(3))).toMatchObject(DUPLICATE)
      expect(t.admit('a', 150, at(3), at(3))).toEqual(NEXT)
    })
  })

  describe('origins that leave, and too many origins', () => {
    it('never evicts an origin active in the last 30 s, however many new ones flood in, so its old seqs stay duplicates', () => {
      const t = tracker()
      t.admit('live', 1, at(0), at(0))
      t.admit('live', 2, at(1), at(1))
      for (let i = 1; i < ORIGINS_MAX; i++) t.admit(`fake${i}`, 1, at(2), at(2))
      expect(t.admit('live', 2, at(1), at(3))).toMatchObject(DUPLICATE)
      // Full of recently active origins: a new one is refused rather than evicting one.
      expect(t.admit('one-too-many', 1, at(4), at(4))).toEqual({ deliver: false, refused: expect.stringContaining('never announced itself'), tooMany: true })
      expect(t.size).toBe(ORIGINS_MAX)
    })

    it('gives an announced origin a slot at the cap, in place of the least recently active unannounced one', () => {
      const t = tracker()
      t.admit('live', 1, at(0), at(0))
      t.announce('live')
      for (let i = 1; i < ORIGINS_MAX + 100; i++) t.admit(`fake${i}`, 1, at(2), at(2))
      t.announce('newcomer')
      for (let seq = 1; seq <= 20; seq++) expect(t.admit('newcomer', seq, at(3), at(3))).toEqual(NEXT)
      expect(t.size).toBe(ORIGINS_MAX)
      // The announced context already there kept its place: its old seq is still a duplicate.
      expect(t.admit('live', 1, at(0), at(4))).toMatchObject(DUPLICATE)
      // The unannounced one evicted for it can't come back with what it sent before.
      expect(t.admit('fake1', 1, at(2), at(5))).toEqual(refused)
    })

    it('never refuses an announced origin, even when every slot is announced', () => {
      const t = tracker()
      for (let i = 0; i < ORIGINS_MAX; i++) {
        t.announce(`peer${i}`)
        t.admit(`peer${i}`, 1, at(1), at(1))
      }
      t.announce('late')
      expect(t.admit('late', 1, at(2), at(2))).toEqual(NEXT)
      expect(t.size).toBe(ORIGINS_MAX)
      // The least recently active was forgotten: a replay of its event is refused, its next event arrives.
      expect(t.admit('peer0', 1, at(1), at(3))).toEqual(refused)
      expect(t.admit('peer0', 2, at(4), at(4))).toMatchObject({ deliver: true })
    })

    it('keeps the last activity of at most 16,384 forgotten origins; past that, only an announced one is new again at once', () => {
      const t = tracker()
      for (let i = 0; i < ORIGINS_KEPT + FORGOTTEN_MAX + 10; i++) t.admit(`o${i}`, 1, at(i * 100), at(i * 100))
      expect(t.size).toBeLessThanOrEqual(ORIGINS_KEPT)
      const now = at(1e9)
      // o1 and o2 are forgotten past the record: the horizon (the latest activity of those) holds for them.
      expect(t.admit('o2', 2, at(250), now)).toEqual(refused)
      t.announce('o1')
      expect(t.admit('o1', 2, at(150), now)).toEqual(NEXT)
    })

    it('evicts the least recently active origins once quiet, and refuses their replayed events as sent before it forgot them', () => {
      const t = tracker()
      t.admit('old', 1, at(0), at(0))
      t.admit('recent', 1, at(10), at(10))
      for (let i = 2; i < ORIGINS_KEPT; i++) t.admit(`other${i}`, 1, at(15), at(15))
      t.admit('old', 2, at(20), at(20)) // 'old' is now the most recently active
      const later = at(20 + QUIET_MS + 1)
      t.admit('new', 1, later, later)
      expect(t.size).toBeLessThanOrEqual(ORIGINS_KEPT)
      // 'recent' was evicted, not 'old'.
      expect(t.admit('old', 2, at(20), later)).toMatchObject(DUPLICATE)
      expect(t.admit('recent', 1, at(10), later)).toEqual(refused)
      // Its next real event, sent after, arrives.
      expect(t.admit('recent', 2, later, later)).toEqual(NEXT)
    })

    it('stays bounded after 100,000 short-lived origins', () => {
      const t = tracker()
      for (let i = 0; i < 100_000; i++) t.admit(`o${i}`, 1, at(i * 100), at(i * 100))
      expect(t.size).toBeLessThanOrEqual(ORIGINS_KEPT)
    })

    it('forgets every origin on forgetAll, and takes nothing sent before as new', () => {
      const t = tracker()
      t.admit('a', 1, at(1), at(1))
      t.forgetAll(at(100))
      expect(t.size).toBe(0)
      expect(t.admit('a', 1, at(1), at(101))).toEqual(refused)
      expect(t.admit('a', 20, at(102), at(102))).toEqual(NEXT)
    })
  })

  describe('first contact with a sender that started after this context joined', () => {
    it('reports the events it sent before the first one seen as missed', () => {
      const t = tracker()
      expect(t.admit('a', 6, at(50), at(50), { seq: 1, time: at(10) })).toEqual({ deliver: true, missed: 5 })
    })

    it('reports nothing for a sender that was posting before this context joined', () => {
      const t = tracker()
      expect(t.admit('a', 6, at(50), at(50), { seq: 1, time: at(-10) })).toEqual(NEXT)
    })
  })
})
