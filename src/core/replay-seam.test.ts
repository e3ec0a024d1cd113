import { describe, expect, it } from 'vitest'
import type { BusEvent } from '../core/event'
import { ReplaySeam } from './replay-seam'

function event(origin: string, seq: number): BusEvent {
  return { id: `${origin}-${seq}`, system: 's', kind: 'k', path: '/', data: undefined, time: seq, origin, seq }
}
const ids = (events: readonly BusEvent[]) => events.map((e) => e.id)

describe('ReplaySeam', () => {
  it('holds live events while replaying, then gives history and the held events, each once', () => {
    const seam = new ReplaySeam()
    expect(seam.admit(event('a', 3))).toBe(false)
    expect(seam.admit(event('b', 1))).toBe(false)
    expect(seam.admit(event('a', 4))).toBe(false)
    // a-3 was stored before history was read, and also arrived live meanwhile.
    expect(ids(seam.finish([event('a', 1), event('a', 2), event('a', 3)]))).toEqual(['a-1', 'a-2', 'a-3', 'b-1', 'a-4'])
    expect(seam.replaying).toBe(false)
  })

  it('after the seam, refuses a live event history already gave and lets new ones through', () => {
    const seam = new ReplaySeam()
    seam.finish([event('a', 1), event('a', 2)])
    // Another tab stored a-2 before its live copy reached this one.
    expect(seam.admit(event('a', 2))).toBe(false)
    expect(seam.admit(event('a', 3))).toBe(true)
    expect(seam.admit(event('a', 3))).toBe(false)
    expect(seam.admit(event('c', 1))).toBe(true)
  })

  it('lets events no bus sequenced (seq 0) through, since nothing stores them', () => {
    const seam = new ReplaySeam()
    seam.finish([])
    const external = { ...event('external', 0), id: 'ce-1' }
    expect(seam.admit(external)).toBe(true)
    expect(seam.admit({ ...external, id: 'ce-2' })).toBe(true)
  })

  it('leaves out what a limited history left out: older live events of an origin it replayed', () => {
    const seam = new ReplaySeam()
    seam.admit(event('a', 95))
    seam.admit(event('a', 101))
    expect(ids(seam.finish([event('a', 99), event('a', 100)]))).toEqual(['a-99', 'a-100', 'a-101'])
  })

  it('is not fooled by a stored record with a forged seq far ahead: the real events below it still arrive', () => {
    const seam = new ReplaySeam()
    const forged = event('a', 999_999_999)
    expect(ids(seam.finish([event('a', 1), event('a', 2), forged]))).toEqual(['a-1', 'a-2', 'a-999999999'])
    expect(seam.admit(event('a', 3))).toBe(true)
    expect(seam.admit(event('a', 4))).toBe(true)
    expect(seam.admit(event('a', 3))).toBe(false)
    expect(seam.admit(forged)).toBe(false)
  })
})
