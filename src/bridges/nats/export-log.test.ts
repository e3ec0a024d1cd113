import { describe, expect, it } from 'vitest'
import type { BusEvent } from '../../core/event'
import { identityOf } from '../../core/identity'
import { ExportLog } from './export-log'

const event = (seq: number): BusEvent => ({ id: `o-${seq}`, system: 'orders', kind: 'k', path: '/p', data: undefined, time: 1, origin: 'o', seq })
const seqs = (entries: Array<[string, BusEvent]>) => entries.map(([, e]) => e.seq)

describe('ExportLog', () => {
  it('refuses past the bound of waiting events, while published ones do not count', () => {
    const log = new ExportLog(2)
    expect(log.offer(event(1))).toBe(true)
    expect(log.offer(event(2))).toBe(true)
    expect(log.offer(event(3))).toBe(false)
    expect(seqs(log.takeUnpublished())).toEqual([1, 2])
    expect(log.offer(event(3))).toBe(true)
    expect(log.size).toBe(3)
  })

  it('publishes again, in order, what a lost connection left unconfirmed', () => {
    const log = new ExportLog(10)
    for (const seq of [1, 2, 3]) log.offer(event(seq))
    log.takeUnpublished()
    log.confirm([identityOf(event(1))])
    log.offer(event(4))
    log.republishUnconfirmed()
    expect(seqs(log.takeUnpublished())).toEqual([2, 3, 4])
    expect(log.unconfirmed()).toHaveLength(3)
  })

  it('keeps a sliding window on standby, which a takeover publishes', () => {
    const log = new ExportLog(2)
    for (const seq of [1, 2, 3]) log.keep(event(seq))
    log.confirm([identityOf(event(2))])
    expect(seqs(log.takeUnpublished())).toEqual([3])
  })
})
