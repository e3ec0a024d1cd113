import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { BusEvent, HistoryRead } from '../core/index'
import { createFakeHost } from '../testing/fake-host'
import { HeadsWatch } from './completeness'
import { HistoryReader } from './history-reader'
import type { HistoryStores } from './history-stores'
import type { HistoryWriter } from './history-writer'
import { MemoryReplayStore } from './memory'
import { DEFAULT_RETENTION } from './options'
import { RecentEvents, type FirstHeld } from './recent'
import { RetentionClock } from './retention-clock'

const now = Date.UTC(2026, 0, 1)
const event = (origin: string, seq: number): BusEvent => ({ id: `${origin}-${seq}`, system: 's', kind: 'k', path: '/', data: null, time: now + seq, origin, seq })
const everything: HistoryRead = { matches: () => true, systems: undefined, since: undefined, limit: undefined }

/** A shared store: events and the heads other contexts wrote with them. */
class SharedStore extends MemoryReplayStore {
  readonly headsHeld = new Map<string, number>()
  store(events: BusEvent[]): void {
    void this.write(events)
    for (const e of events) this.headsHeld.set(e.origin, Math.max(this.headsHeld.get(e.origin) ?? 0, e.seq))
  }
  private readonly watch = new HeadsWatch(() => Promise.resolve(new Map(this.headsHeld)))
  settle(held: () => ReadonlyMap<string, FirstHeld>, since: number) {
    return this.watch.settle(held, since)
  }
}

function setup(store: MemoryReplayStore) {
  const host = createFakeHost('shop', 'me')
  const stores = { inMemory: false, ready: Promise.resolve(), fallback: undefined, use: (use: (s: MemoryReplayStore) => Promise<unknown>) => use(store), fallBack: () => store, close: () => Promise.resolve() }
  const recent = new RecentEvents(1000, 1 << 20)
  const reader = new HistoryReader(host, stores as unknown as HistoryStores, { writePending() {} } as unknown as HistoryWriter, recent, DEFAULT_RETENTION, new RetentionClock())
  return { host, recent, reader }
}

describe('HistoryReader', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(now + 100)
  })
  afterEach(() => vi.useRealTimers())

  it('waits for a context that has not stored yet what came before its live events, then reads them all', async () => {
    const store = new SharedStore()
    const { host, recent, reader } = setup(store)
    store.store([event('a', 1), event('a', 2)])
    // This context joined late: it got a's events live from seq 5 on.
    for (const seq of [5, 6]) recent.add(event('a', seq), true)
    const read = reader.read(everything)
    await vi.advanceTimersByTimeAsync(100)
    store.store([event('a', 3), event('a', 4)])
    await vi.advanceTimersByTimeAsync(300)
    expect((await read).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6])
    expect(host.errors).toEqual([])
  })

  it('reports the seqs a context never stored after a bounded wait, and leaves them out in order', async () => {
    const store = new SharedStore()
    const { host, recent, reader } = setup(store)
    store.store([event('a', 1), event('a', 2)])
    for (const seq of [5, 6]) recent.add(event('a', seq), true)
    const read = reader.read(everything)
    await vi.advanceTimersByTimeAsync(3000)
    expect((await read).map((e) => e.seq)).toEqual([1, 2, 5, 6])
    expect(host.errors.map((e) => [e.code, e.cause])).toEqual([['REPLAY_INCOMPLETE', { missing: [{ origin: 'a', from: 3, to: 4 }] }]])
    expect(host.errors[0]!.message).toMatch(/seqs 3 to 4 of bus instance a/)
    // The next read does not wait again for a context that stopped storing, and says it again.
    const again = await reader.read(everything)
    expect(again.map((e) => e.seq)).toEqual([1, 2, 5, 6])
    expect(host.errors).toHaveLength(2)
  })

  it('does not wait for events a bridge brought in, or for the first events of a context', async () => {
    const store = new SharedStore()
    const { host, recent, reader } = setup(store)
    recent.add(event('a', 1), true)
    recent.add(event('remote', 40), false)
    expect((await reader.read(everything)).map((e) => e.id)).toEqual(['a-1', 'remote-40'])
    expect(host.errors).toEqual([])
  })

  it('checks nothing against a store of this context only (memory)', async () => {
    const { host, recent, reader } = setup(new MemoryReplayStore())
    recent.add(event('a', 5), true)
    expect((await reader.read(everything)).map((e) => e.seq)).toEqual([5])
    expect(host.errors).toEqual([])
  })
})
