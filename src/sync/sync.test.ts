import { afterEach, describe, expect, it, vi } from 'vitest'
import { createBus } from '../index'
import type { BusError, BusEvent, PluginHooks } from '../core/index'
import { catchError } from '../testing/catch-error'
import { createFakeHost, type FakeHost } from '../testing/fake-host'
import { createHub } from '../testing/hub'
import { sync as syncPlugin } from './sync'

interface Node {
  readonly sync: PluginHooks
  readonly core: FakeHost
  readonly received: BusEvent[]
  readonly errors: BusError[]
  readonly counts: { dropped: number; gaps: number }
  send(event: Omit<BusEvent, 'id' | 'origin' | 'time'>): void
}

const nodes: Node[] = []
afterEach(() => {
  for (const node of nodes.splice(0)) node.sync.close?.()
})

let nextId = 0
function createNode(hub: ReturnType<typeof createHub>, maxEventBytes = 1024 * 1024): Node {
  const core = createFakeHost('test', `node${++nextId}`)
  const sync = syncPlugin({ maxEventBytes, environment: { kind: 'window', open: hub.open } }).setup(core) as PluginHooks
  const node: Node = {
    sync,
    core,
    received: core.received,
    errors: core.errors,
    counts: core.counts,
    send: (partial) => {
      const event = { ...partial, id: `${core.origin}-${partial.seq}`, origin: core.origin, time: 1 }
      sync.check?.(event)
      sent(node, event)
    },
  }
  nodes.push(node)
  return node
}

/** What the bus does after delivering an event sent here. */
function sent(node: Node, event: BusEvent): void {
  node.sync.event?.(event, { arrival: 'sent', from: node.core.origin, bridge: undefined })
}

const event = (seq: number, data: unknown = { seq }) => ({ seq, system: 'orders', kind: 'order.created', path: '/o', data })

describe('sync', () => {
  it('coalesces the events of one task into one message, in seq order, and never echoes', async () => {
    const hub = createHub()
    const a = createNode(hub)
    const b = createNode(hub)
    const before = hub.posted.length
    for (let seq = 1; seq <= 100; seq++) a.send(event(seq))
    await vi.waitFor(() => expect(b.received).toHaveLength(100))
    const batches = hub.posted.slice(before).filter((m) => m.type === 'events')
    expect(batches).toHaveLength(1)
    expect(b.received.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
    expect(b.received[0]).toMatchObject({ id: `${a.core.origin}-1`, origin: a.core.origin, system: 'orders', data: { seq: 1 } })
    expect(a.received).toEqual([])
  })

  it('keeps seq order when a handler sends while an event is delivered', async () => {
    const hub = createHub()
    const a = createNode(hub)
    const b = createNode(hub)
    // What core does for a handler that sends: check(1), [check(2), sent(2)], sent(1).
    const first = { ...event(1), id: 'x-1', origin: a.core.origin, time: 1 }
    const second = { ...event(2), id: 'x-2', origin: a.core.origin, time: 1 }
    a.sync.check?.(first)
    a.sync.check?.(second)
    sent(a, second)
    sent(a, first)
    await vi.waitFor(() => expect(b.received).toHaveLength(2))
    expect(b.received.map((e) => e.seq)).toEqual([1, 2])
    expect(b.errors).toEqual([])
  })

  it('splits a burst of large events into messages of about 1 MiB', async () => {
    const hub = createHub()
    const a = createNode(hub)
    const b = createNode(hub)
    const before = hub.posted.length
    for (let seq = 1; seq <= 10; seq++) a.send(event(seq, 'x'.repeat(400_000)))
    await vi.waitFor(() => expect(b.received).toHaveLength(10), { timeout: 10_000 })
    expect(hub.posted.slice(before).filter((m) => m.type === 'events').length).toBeGreaterThanOrEqual(4)
    expect(b.received.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
  })

  it('never posts more than 10,000 events in one message, which receivers would refuse', async () => {
    const hub = createHub()
    const a = createNode(hub)
    const b = createNode(hub)
    const before = hub.posted.length
    for (let seq = 1; seq <= 25_000; seq++) a.send(event(seq, null))
    await vi.waitFor(() => expect(b.received).toHaveLength(25_000), { timeout: 25_000 })
    const batches = hub.posted.slice(before).filter((m) => m.type === 'events')
    expect(batches.map((m) => (m.type === 'events' ? m.events.length : 0))).toEqual([10_000, 10_000, 5_000])
    expect(b.counts).toEqual({ dropped: 0, gaps: 0 })

  }, 30_000)

  it("tells receivers its first post, so one that meets it late knows what it was owed", async () => {
    const hub = createHub()
    const a = createNode(hub)
    const b = createNode(hub)
    a.send(event(1))
    await vi.waitFor(() => expect(b.received).toHaveLength(1))
    const late = createNode(hub)
    a.send(event(2))
    a.send(event(3))
    await vi.waitFor(() => expect(late.received).toHaveLength(2))
    expect(hub.posted.filter((m) => m.type === 'events').map((m) => m.type === 'events' && m.first)).toEqual([[1, 1], [1, 1]])
    // `late` joined after a's first post: 1 is no gap of its own.
    expect(late.counts).toEqual({ dropped: 0, gaps: 0 })
  })

  it('drops duplicates and reports gaps in stats and errors', async () => {
    const hub = createHub()
    const b = createNode(hub)
    const from = 'abcdefabcdefab'
    const wire = (seq: number) => [seq, 'orders', 'k', '/o', 1, null]
    hub.inject('crossbus:test', { v: 1, type: 'events', from, events: [wire(1), wire(2)] })
    hub.inject('crossbus:test', { v: 1, type: 'events', from, events: [wire(2)] })
    hub.inject('crossbus:test', { v: 1, type: 'events', from, events: [wire(5)] })
    expect(b.received.map((e) => e.seq)).toEqual([1, 2, 5])
    expect(b.counts).toEqual({ dropped: 0, gaps: 1 })
    expect(b.errors[0]).toMatchObject({ code: 'SYNC_EVENTS_MISSED', message: expect.stringContaining('2 event(s)') })
  })

  it('drops and counts garbage, delivering none of it', () => {
    const hub = createHub()
    const b = createNode(hub)
    for (const raw of ['garbage', 42, null, { v: 1, type: 'events', from: 'x', events: [[1, 'a', 'b', '/c', 1, JSON.parse('{"__proto__":{"p":1}}')]] }]) {
      hub.inject('crossbus:test', raw)
    }
    expect(b.received).toEqual([])
    expect(b.counts.dropped).toBe(4)
  })

  it('refuses unclonable and oversized data in check, before anything is queued', async () => {
    const hub = createHub()
    const a = createNode(hub, 1000)
    const b = createNode(hub)
    expect(catchError(() => a.send(event(1, { fn: () => 1 }))).code).toBe('SYNC_NOT_CLONABLE')
    expect(catchError(() => a.send(event(1, 'x'.repeat(2000)))).code).toBe('SYNC_TOO_LARGE')
    a.send(event(1))
    await vi.waitFor(() => expect(b.received).toHaveLength(1))
    expect(b.received.map((e) => e.seq)).toEqual([1])
  })

  it('posts bye and stops on close; flushes what was queued first', async () => {
    const hub = createHub()
    const a = createNode(hub)
    const b = createNode(hub)
    a.send(event(1))
    a.sync.close?.()
    await vi.waitFor(() => expect(b.received).toHaveLength(1))
    expect(b.received.map((e) => e.seq)).toEqual([1])
    expect(hub.posted.at(-1)).toMatchObject({ type: 'bye', from: a.core.origin })
  })

  it('shows peers that say hello and forgets those that say bye', async () => {
    const hub = createHub()
    const a = createNode(hub)
    const seen: string[][] = []
    const watch = a.sync.presence!.peers$.subscribe((peers) => seen.push(peers.map((p) => (p.self ? 'self' : p.kind))))
    const b = createNode(hub)
    await vi.waitFor(() => expect(seen.at(-1)).toEqual(['self', 'window']))
    b.sync.close?.()
    await vi.waitFor(() => expect(seen.at(-1)).toEqual(['self']))
    watch.unsubscribe()
  })
})

describe('sync against a buggy or hostile context', () => {
  it('answers asks at most once a second, however many come', async () => {
    const hub = createHub()
    createNode(hub)
    createNode(hub)
    const before = hub.posted.length
    for (let i = 0; i < 1_000; i++) hub.inject('crossbus:test', { v: 1, type: 'hello', from: `asker${i}`, kind: 'window', since: 1, ask: true })
    expect(hub.posted.slice(before).filter((m) => m.type === 'here')).toHaveLength(2)
    await vi.waitFor(() => expect(hub.posted.slice(before).filter((m) => m.type === 'here')).toHaveLength(4), { timeout: 2_000 })
  })

  it('announces itself at once when another context says it left, so peers$ lists it again', async () => {
    const hub = createHub()
    const a = createNode(hub)
    const b = createNode(hub)
    const seen: string[][] = []
    const watch = b.sync.presence!.peers$.subscribe((peers) => seen.push(peers.map((p) => p.origin)))
    await vi.waitFor(() => expect(seen.at(-1)).toContain(a.core.origin))
    hub.inject('crossbus:test', { v: 1, type: 'bye', from: a.core.origin })
    await vi.waitFor(() => expect(seen.at(-1)).toContain(a.core.origin), { timeout: 500 })
    expect(seen.some((list) => !list.includes(a.core.origin))).toBe(true)
    expect(hub.posted.at(-1)).toMatchObject({ type: 'hello', from: a.core.origin, ask: false })
    watch.unsubscribe()
  })

  it('drops an event over its own maxEventBytes on receipt, whatever the sender allowed', async () => {
    const hub = createHub()
    const a = createNode(hub, 100_000)
    const b = createNode(hub, 1_000)
    a.send(event(1))
    await vi.waitFor(() => expect(b.received).toHaveLength(1))
    // Refused whole: the small event posted with it is lost too, and reported as a gap.
    a.send(event(2, 'x'.repeat(5_000)))
    a.send(event(3))
    await vi.waitFor(() => expect(b.counts.dropped).toBe(1))
    expect(b.errors[0]).toMatchObject({ code: 'SYNC_TOO_LARGE' })
    a.send(event(4))
    await vi.waitFor(() => expect(b.received.map((e) => e.seq)).toEqual([1, 4]))
    expect(b.counts).toEqual({ dropped: 1, gaps: 1 })
  })
})

describe('sync against forged identities', () => {
  const wire = (seq: number, time: number, data: unknown = null) => [seq, 'orders', 'order.created', '/o', time, data]

  it('drops a second, different event with a delivered origin and seq as SYNC_EVENT_CONFLICT, and the same one again quietly', () => {
    const hub = createHub()
    const b = createNode(hub)
    const from = 'abcdefabcdefab'
    hub.inject('crossbus:test', { v: 1, type: 'events', from, events: [wire(1, 100), wire(2, 101, { forged: true })] })
    // The same event again (a fallback transport delivering twice): a quiet duplicate.
    hub.inject('crossbus:test', { v: 1, type: 'events', from, events: [wire(2, 101, { forged: true })] })
    expect(b.counts.dropped).toBe(0)
    // The real event 2 arrives after the forgery that took its seq.
    hub.inject('crossbus:test', { v: 1, type: 'events', from, events: [wire(2, 105, { real: true }), wire(3, 106)] })
    expect(b.received.map((e) => e.seq)).toEqual([1, 2, 3])
    expect(b.counts.dropped).toBe(1)
    expect(b.errors).toEqual([
      expect.objectContaining({ code: 'SYNC_EVENT_CONFLICT', kind: 'CONFLICT', message: expect.stringMatching(/^Dropped 1 event\(s\) from bus instance abcdefabcdefab \(seq 2\)/) }),
    ])
  })

  it('reports, in the context named, events posted in its name that it never sent', async () => {
    const hub = createHub()
    const a = createNode(hub)
    a.send(event(1))
    await vi.waitFor(() => expect(hub.posted.some((m) => m.type === 'events')).toBe(true))
    hub.inject('crossbus:test', { v: 1, type: 'events', from: a.core.origin, events: [wire(2, 5), wire(3, 6)] })
    // An echo of what it sent (fallback transports may echo) is none of that.
    hub.inject('crossbus:test', { v: 1, type: 'events', from: a.core.origin, events: [wire(1, 1, { seq: 1 })] })
    expect(a.errors).toEqual([expect.objectContaining({ code: 'SYNC_EVENT_CONFLICT', message: expect.stringContaining("2 event(s) in this instance's name (seq 2 to 3, past its last seq 1)") })])
    expect(a.received).toEqual([])
  })

  it("delivers a newly opened context's events after 8,300 forged senders filled every slot, and says what it dropped", async () => {
    const hub = createHub()
    const b = createNode(hub)
    for (let i = 0; i < 8_300; i++) hub.inject('crossbus:test', { v: 1, type: 'events', from: `forged${i.toString(36)}`, events: [wire(1, Date.now())] })
    expect(b.counts.dropped).toBe(8_300 - 8_192)
    expect(b.errors.at(-1)).toMatchObject({ code: 'SYNC_TOO_MANY_PEERS', message: expect.stringMatching(/^Dropped 1 event\(s\) from bus instance forged[0-9a-z]+ \(seq 1 first\): over 8192 senders/) })
    const a = createNode(hub)
    for (let seq = 1; seq <= 20; seq++) a.send(event(seq))
    await vi.waitFor(() => expect(b.received.filter((e) => e.origin === a.core.origin)).toHaveLength(20))
    expect(b.counts.dropped).toBe(8_300 - 8_192)
  })
})

describe('createBus outside a browser', () => {
  it('stays local and still refuses unclonable data atomically, taking no seq', () => {
    const bus = createBus({ name: 'node-local' })
    const got: BusEvent[] = []
    bus.subscribe('orders').subscribe((e) => got.push(e))
    const error = catchError(() => bus.send('orders', 'order.created', '/o/1', { render: () => 'x' }))
    expect(error).toMatchObject({ kind: 'INVALID', code: 'SYNC_NOT_CLONABLE', retryable: false })
    expect(got).toEqual([])
    expect(bus.stats()).toMatchObject({ sent: 0, delivered: 0, gaps: 0 })
    expect(bus.send('orders', 'order.created', '/o/1', { total: 1 }).seq).toBe(1)
    bus.close()
  })

  it('with crossTab: false carries anything, as a local bus may', () => {
    const bus = createBus({ name: 'local', crossTab: false })
    const render = () => 'x'
    expect(bus.send('ui', 'render', '/', { render }).data).toEqual({ render })
    bus.close()
  })

  it('refuses data over maxEventBytes with SYNC_TOO_LARGE', () => {
    const bus = createBus({ name: 'small', maxEventBytes: 1000 })
    expect(catchError(() => bus.send('files', 'file.read', '/f', 'x'.repeat(5000))).code).toBe('SYNC_TOO_LARGE')
    bus.close()
  })

  it('offers peers$ with only itself and leader$ true', async () => {
    const bus = createBus({ name: 'alone' })
    const peers: unknown[] = []
    const leading: boolean[] = []
    bus.peers$.subscribe((list) => peers.push(list))
    bus.leader$.subscribe((value) => leading.push(value))
    expect(peers).toEqual([[{ origin: bus.origin, kind: 'other', since: expect.any(Number), self: true }]])
    expect(leading).toEqual([true])
    bus.close()
  })
})
