import { describe, expect, it } from 'vitest'
import { identityOf, type BusEvent } from '../../core/index'
import { ExportLog } from './export-log'

const event = (seq: number): BusEvent => ({ id: `o-${seq}`, system: 'orders', kind: 'k', path: '/p', data: undefined, time: 1, origin: 'o', seq })
const entry = (seq: number): [string, BusEvent] => [identityOf(event(seq)), event(seq)]
const seqs = (entries: ReadonlyMap<string, BusEvent>) => [...entries.values()].map((e) => e.seq)

describe('ExportLog', () => {
  it('refuses past the bound of waiting events, while published ones do not count', () => {
    const log = new ExportLog<BusEvent>(2)
    expect(log.offer(...entry(1))).toBe(true)
    expect(log.offer(...entry(2))).toBe(true)
    expect(log.offer(...entry(3))).toBe(false)
    expect(seqs(log.takeUnpublished())).toEqual([1, 2])
    expect(log.offer(...entry(3))).toBe(true)
    expect(log.size).toBe(3)
  })

  it('publishes again, in order, what a lost connection left unconfirmed', () => {
    const log = new ExportLog<BusEvent>(10)
    for (const seq of [1, 2, 3]) log.offer(...entry(seq))
    log.takeUnpublished()
    log.confirm([identityOf(event(1))])
    log.offer(...entry(4))
    log.republishUnconfirmed()
    expect(seqs(log.takeUnpublished())).toEqual([2, 3, 4])
    expect(log.unconfirmed()).toHaveLength(3)
  })

  it('keeps a sliding window on standby, which a takeover publishes', () => {
    const log = new ExportLog<BusEvent>(2)
    for (const seq of [1, 2, 3]) log.keep(...entry(seq))
    log.confirm([identityOf(event(2))])
    expect(seqs(log.takeUnpublished())).toEqual([3])
  })

  it('holds an event once, in its place, and evicts the oldest whether published or not', () => {
    const log = new ExportLog<BusEvent>(3)
    for (const seq of [1, 2]) log.offer(...entry(seq))
    expect(seqs(log.takeUnpublished())).toEqual([1, 2])
    // Offered again (published) and kept again (waiting): neither moves nor doubles.
    log.offer(...entry(1))
    log.keep(...entry(2))
    expect(log.size).toBe(2)
    expect(seqs(log.takeUnpublished())).toEqual([])
    // A standby window past its bound drops the oldest, a published one first.
    for (const seq of [3, 4]) log.keep(...entry(seq))
    expect(log.size).toBe(3)
    expect(log.unconfirmed()).toEqual([identityOf(event(2))])
    log.republishUnconfirmed()
    expect(log.unconfirmed()).toEqual([])
    expect(seqs(log.takeUnpublished())).toEqual([2, 3, 4])
  })
})
