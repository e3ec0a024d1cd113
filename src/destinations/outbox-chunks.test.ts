import { describe, expect, it } from 'vitest'
import { entriesOf, isOutboxEntry, noneMalformed } from './outbox-chunks'
import type { OutboxEntry } from './store'

const good: OutboxEntry = { destination: 'd', queuedAt: 5, event: { id: 'o-1', system: 's', kind: 'k', path: '/1', data: { x: 1 }, time: 1_700_000_000_000, origin: 'o', seq: 1 } }

describe('outbox records read back', () => {
  it('takes an entry of the shape crossbus writes, for its own destination only', () => {
    expect(isOutboxEntry(good, 'd')).toBe(true)
    expect(isOutboxEntry(good, 'other')).toBe(false)
    for (const forged of [null, 42, [], { ...good, queuedAt: 'soon' }, { ...good, event: null }, { ...good, event: { ...good.event, time: 1e20 } }, { ...good, event: { ...good.event, system: 7 } }]) {
      expect(isOutboxEntry(forged, 'd'), JSON.stringify(forged)).toBe(false)
    }
  })

  it('skips a chunk that is no list (42) and the entries of the wrong shape ([null]), and counts them once per chunk', () => {
    const malformed = noneMalformed()
    expect(entriesOf(42, 'd', ['d', 0, 'x', 's', 'n1'], malformed)).toEqual([])
    expect(entriesOf([null, good], 'd', ['d', 1, 'y', 's', 'n2'], malformed)).toEqual([good])
    expect(entriesOf([good], 'd', ['d', 2, 'z', 's', 'n3'], malformed)).toEqual([good])
    expect(malformed.count).toBe(2)
    expect(malformed.keys.size).toBe(2)
  })
})
