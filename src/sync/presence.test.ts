import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Peer } from '../core/index'
import { PEERS_MAX, Presence } from './presence'
import { throttle } from './throttle'

const self: Peer = { origin: 'me', kind: 'window', since: 1, self: true }
const open: Presence[] = []
afterEach(() => {
  for (const presence of open.splice(0)) presence.close()
  vi.useRealTimers()
})

function watched() {
  const asks: number[] = []
  const full: number[] = []
  const presence = new Presence({ self, shared: true, ask: () => asks.push(Date.now()), full: (limit) => full.push(limit) })
  open.push(presence)
  const lists: Array<readonly Peer[]> = []
  presence.peers$.subscribe((list) => lists.push(list))
  return { presence, lists, asks, full, ids: () => lists.at(-1)!.map((peer) => peer.origin) }
}

describe('Presence', () => {
  it('takes 20,000 announcements without rebuilding the list per message: it publishes at most once per window', async () => {
    const { presence, lists } = watched()
    for (let i = 0; i < 20_000; i++) presence.seen(`p${i}`, 'window', i)
    // Quadratic (a sorted list rebuilt per message) took 55 s in a browser: the publishes are what bound it.
    expect(lists.length).toBeLessThanOrEqual(3)
    await vi.waitFor(() => expect(lists.at(-1)).toHaveLength(1 + PEERS_MAX))
  })

  it('knows at most 1,024 others, ignoring and reporting once those beyond', async () => {
    const { presence, full, ids } = watched()
    for (let i = 0; i < PEERS_MAX + 10; i++) presence.seen(`p${i}`, 'window', i)
    await vi.waitFor(() => expect(ids()).toHaveLength(1 + PEERS_MAX))
    expect(ids()).not.toContain(`p${PEERS_MAX}`)
    expect(full).toEqual([PEERS_MAX])
  })

  it('lists peers oldest first', async () => {
    const { presence, ids } = watched()
    presence.seen('b', 'window', 5)
    presence.seen('a', 'worker', 5)
    presence.seen('c', 'window', 0)
    await vi.waitFor(() => expect(ids()).toEqual(['c', 'me', 'a', 'b']))
  })

  it('asks at most once a second, however often it probes', () => {
    vi.useFakeTimers()
    const { presence, asks } = watched()
    expect(asks).toHaveLength(1)
    for (let i = 0; i < 100; i++) presence.restart()
    expect(asks).toHaveLength(1)
    vi.advanceTimersByTime(999)
    expect(asks).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(asks).toHaveLength(2)
  })
})

describe('throttle', () => {
  it('runs at once, then folds the calls of a window into one run at its end', () => {
    vi.useFakeTimers()
    let runs = 0
    const call = throttle(() => runs++, 100)
    call()
    expect(runs).toBe(1)
    for (let i = 0; i < 1_000; i++) call()
    expect(runs).toBe(1)
    vi.advanceTimersByTime(100)
    expect(runs).toBe(2)
    vi.advanceTimersByTime(1_000)
    expect(runs).toBe(2)
  })

  it('drops the waiting run on cancel', () => {
    vi.useFakeTimers()
    let runs = 0
    const call = throttle(() => runs++, 20)
    call()
    call()
    call.cancel()
    vi.advanceTimersByTime(1_000)
    expect(runs).toBe(1)
  })
})
