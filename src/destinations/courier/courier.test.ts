import { describe, expect, it, vi } from 'vitest'
import { BusError, type BusEvent } from '../../core/index'
import type { Destination } from '../config'
import { MemoryDestinationStore } from '../memory-store'
import type { OutboxEntry } from '../store'
import type { DeliveryResult, DestinationProvider } from '../types'
import { Courier } from './courier'

const destination: Destination = { config: { id: 'd', type: 'fake' }, needsHeaders: false, matches: () => true, perRequest: 1, maxDelayMs: 0 }

function entry(origin: string, seq: number): OutboxEntry {
  const event: BusEvent = { id: `${origin}-${seq}`, system: 's', kind: 'k', path: `/${seq}`, data: undefined, time: 1000 + seq, origin, seq }
  return { destination: 'd', event, queuedAt: 0 }
}

/** A courier over a memory store, with a provider that answers `answer`. */
function courierOver(store: MemoryDestinationStore, answer: () => DeliveryResult) {
  const requests: string[] = []
  const provider: DestinationProvider = {
    type: 'fake',
    async deliver(events) {
      requests.push(...events.map((event) => event.id))
      return answer()
    },
  }
  const courier = new Courier(destination, {
    store,
    provider,
    retry: { initialDelayMs: 60_000, maxDelayMs: 60_000, maxAttempts: Infinity },
    maxOutbox: 1000,
    clearance: () => ({ ok: true, getHeaders: undefined }),
    report: () => {},
    changed: () => {},
    count: () => {},
    online: () => true,
    now: Date.now,
  })
  return { courier, requests }
}

const unavailable: DeliveryResult = { outcome: 'retry', error: new BusError({ kind: 'UNAVAILABLE', code: 'DESTINATION_DELIVERY_FAILED', message: '503', retryable: true }) }

describe('Courier', () => {
  it("counts every tab's entries as pending while it backs off: another tab's, queued meanwhile, too", async () => {
    const store = new MemoryDestinationStore()
    await store.enqueue([entry('leader', 1)], 1000)
    const { courier, requests } = courierOver(store, () => unavailable)
    courier.start()
    await vi.waitFor(() => expect(courier.status.nextRetryAt).toBeDefined())
    expect(requests).toEqual(['leader-1'])
    expect(courier.status.pending).toBe(1)

    // The backoff is a minute long: nothing reads the outbox again meanwhile.
    // Another tab writes 7 entries and says so ('queued'): the leader is waiting out its backoff.
    await store.enqueue([2, 3, 4, 5, 6, 7, 8].map((seq) => entry('other', seq)), 1000)
    courier.wake()
    await vi.waitFor(() => expect(courier.status.pending).toBe(8))
    expect(requests).toEqual(['leader-1'])
    courier.stop()
  })
})
