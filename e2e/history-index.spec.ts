// The IndexedDB replay store's system index in real Chromium, driven directly (no bus): reads of
// exact systems and prefixes, their order and bounds, identity of events injected from outside the
// origin, the upgrade from schema version 1, and the same answers as the memory store.
import { expect, test } from '@playwright/test'
import { watchPage } from './support/watch-page'

type Fixture = typeof import('./fixtures/replay/history-index')

const FIXTURE = '/e2e/fixtures/replay/history-index.ts'
const BLANK = '/e2e/fixtures/blank.html'

let check: () => void
test.beforeEach(async ({ page }) => {
  check = watchPage(page)
  await page.goto(BLANK)
})
test.afterEach(() => check())

test('an exact system, a prefix and several ranges read only their events, in store order, with since and last', async ({ page }) => {
  const reads = await page.evaluate(
    async (url) => {
      const { openStore, sent, labels }: Fixture = await import(url)
      const events = [
        sent('orders', 'a', 1, 100),
        sent('users', 'a', 2, 100),
        sent('orders.eu', 'b', 1, 100),
        sent('ordersx', 'b', 2, 101),
        sent('orders', 'b', 3, 102),
        sent('orders.eu.west', 'a', 3, 102),
        sent('orders', 'a', 4, 103),
        sent('orders.eu', 'a', 5, 104),
      ]
      const store = await openStore('index-ranges')
      // Written out of order, over two transactions.
      await store.write(events.slice(4).reverse())
      await store.write(events.slice(0, 4).reverse())
      const read = async (range: Parameters<typeof store.read>[0]) => labels(await store.read(range))
      const orders = [{ equals: 'orders' }, { startsWith: 'orders.' }]
      const result = {
        all: await read({}),
        allLast2: await read({ last: 2 }),
        exact: await read({ systems: [{ equals: 'orders' }] }),
        exactSince: await read({ systems: [{ equals: 'orders' }], since: 102 }),
        exactLast2: await read({ systems: [{ equals: 'orders' }], last: 2 }),
        exactLast1Since: await read({ systems: [{ equals: 'orders' }], since: 100, last: 1 }),
        exactLast5: await read({ systems: [{ equals: 'orders' }], last: 5 }),
        exactSinceLast5: await read({ systems: [{ equals: 'orders' }], since: 103, last: 5 }),
        prefix: await read({ systems: [{ startsWith: 'orders.' }] }),
        prefixNoDot: await read({ systems: [{ startsWith: 'orders' }] }),
        prefixSinceLast1: await read({ systems: [{ startsWith: 'orders.' }], since: 101, last: 1 }),
        several: await read({ systems: orders }),
        severalLast3: await read({ systems: orders, last: 3 }),
        severalSince: await read({ systems: orders, since: 102 }),
        overlapping: await read({ systems: [{ startsWith: 'orders.' }, { equals: 'orders.eu' }, { equals: 'users' }, { startsWith: 'orders.eu' }] }),
        none: await read({ systems: [] }),
        unknown: await read({ systems: [{ equals: 'payments' }, { startsWith: 'payments.' }], last: 3 }),
      }
      store.close()
      return result
    },
    FIXTURE,
  )
  expect(reads).toEqual({
    all: ['orders/a-1', 'users/a-2', 'orders.eu/b-1', 'ordersx/b-2', 'orders.eu.west/a-3', 'orders/b-3', 'orders/a-4', 'orders.eu/a-5'],
    allLast2: ['orders/a-4', 'orders.eu/a-5'],
    exact: ['orders/a-1', 'orders/b-3', 'orders/a-4'],
    exactSince: ['orders/b-3', 'orders/a-4'],
    exactLast2: ['orders/b-3', 'orders/a-4'],
    exactLast1Since: ['orders/a-4'],
    exactLast5: ['orders/a-1', 'orders/b-3', 'orders/a-4'],
    exactSinceLast5: ['orders/a-4'],
    prefix: ['orders.eu/b-1', 'orders.eu.west/a-3', 'orders.eu/a-5'],
    prefixNoDot: ['orders/a-1', 'orders.eu/b-1', 'ordersx/b-2', 'orders.eu.west/a-3', 'orders/b-3', 'orders/a-4', 'orders.eu/a-5'],
    prefixSinceLast1: ['orders.eu/a-5'],
    several: ['orders/a-1', 'orders.eu/b-1', 'orders.eu.west/a-3', 'orders/b-3', 'orders/a-4', 'orders.eu/a-5'],
    severalLast3: ['orders/b-3', 'orders/a-4', 'orders.eu/a-5'],
    severalSince: ['orders.eu.west/a-3', 'orders/b-3', 'orders/a-4', 'orders.eu/a-5'],
    overlapping: ['users/a-2', 'orders.eu/b-1', 'orders.eu.west/a-3', 'orders.eu/a-5'],
    none: [],
    unknown: [],
  })
})

test('a prefix range stops exactly past its last name, U+FFFF included', async ({ page }) => {
  const reads = await page.evaluate(
    async (url) => {
      const { openStore, sent }: Fixture = await import(url)
      const systems = ['orc', 'ord', 'ord.x', 'ordz', 'ord\uffff', 'ore', 'a\uffff', 'a\uffff.z', 'a\uffff\uffff', 'b', '\uffff', '\uffff.x']
      const store = await openStore('index-bounds')
      await store.write(systems.map((system, i) => sent(system, 'a', i + 1, 100 + i)))
      const systemsOf = async (startsWith: string) => (await store.read({ systems: [{ startsWith }] })).map((e) => e.system)
      const result = { ord: await systemsOf('ord'), aFFFF: await systemsOf('a\uffff'), onlyFFFF: await systemsOf('\uffff') }
      store.close()
      return result
    },
    FIXTURE,
  )
  expect(reads).toEqual({
    ord: ['ord', 'ord.x', 'ordz', 'ord\uffff'],
    aFFFF: ['a\uffff', 'a\uffff.z', 'a\uffff\uffff'],
    onlyFFFF: ['\uffff', '\uffff.x'],
  })
})

test('injected events sharing time, origin and seq are kept apart by source and id; an event written twice is stored once', async ({ page }) => {
  const result = await page.evaluate(
    async (url) => {
      const { openStore, sent, injected, labels }: Fixture = await import(url)
      const store = await openStore('index-identity')
      await store.write([injected('orders', 'b', 100), injected('orders', 'a', 100), injected('billing', 'a', 100), sent('orders', 'bus', 1, 100)])
      // The same events again, as another tab or a second bridge would write them.
      await store.write([injected('orders', 'a', 100), { ...injected('billing', 'a', 100) }, sent('orders', 'bus', 1, 100)])
      const read = {
        all: labels(await store.read({})),
        orders: labels(await store.read({ systems: [{ equals: 'orders' }] })),
        ordersLast1: labels(await store.read({ systems: [{ equals: 'orders' }], last: 1 })),
      }
      store.close()
      return read
    },
    FIXTURE,
  )
  // Store order at one time: origin ('bus' < 'external'), then seq, then system, then id.
  expect(result).toEqual({
    all: ['orders/bus-1', 'billing/a', 'orders/a', 'orders/b'],
    orders: ['orders/bus-1', 'orders/a', 'orders/b'],
    ordersLast1: ['orders/b'],
  })
})

test('a version 1 database is upgraded to the current version with every event kept', async ({ page }) => {
  const result = await page.evaluate(
    async (url) => {
      const { createVersion1, describeDatabase, openStore, sent, labels }: Fixture = await import(url)
      const old = [sent('orders', 'a', 1, 100), sent('users', 'a', 2, 100), sent('orders', 'b', 1, 100), sent('orders.eu', 'a', 3, 101)]
      await createVersion1('index-upgrade', old)
      const before = await describeDatabase('index-upgrade')
      const store = await openStore('index-upgrade')
      const after = await describeDatabase('index-upgrade')
      const all = labels(await store.read({}))
      const orders = labels(await store.read({ systems: [{ equals: 'orders' }, { startsWith: 'orders.' }] }))
      // Writing an old event again changes nothing; a new one lands in order.
      await store.write([old[0]!, sent('orders', 'a', 4, 102)])
      const written = labels(await store.read({ systems: [{ equals: 'orders' }] }))
      store.close()
      return { before, after, all, orders, written }
    },
    FIXTURE,
  )
  expect(result.before).toEqual({ version: 1, stores: ['events'], keyPath: ['time', 'origin', 'seq'], indexes: [] })
  expect(result.after).toEqual({ version: 4, stores: ['batches', 'heads'], keyPath: ['system', 'time', 'origin', 'seq', 'id', 'from', 'count'], indexes: ['by-time'] })
  expect(result.all).toEqual(['orders/a-1', 'users/a-2', 'orders/b-1', 'orders.eu/a-3'])
  expect(result.orders).toEqual(['orders/a-1', 'orders/b-1', 'orders.eu/a-3'])
  expect(result.written).toEqual(['orders/a-1', 'orders/b-1', 'orders/a-4'])
})

for (const version of [2, 3] as const) {
  test(`a version ${version} database, written as crossbus wrote it, is upgraded to batches with every event (and head) kept`, async ({ page }) => {
    const result = await page.evaluate(
      async ([url, version]) => {
        const { createVersion2or3, describeDatabase, headsOf, openStore, MemoryReplayStore, sent, injected, labels }: Fixture = await import(url)
        const name = `index-upgrade-v${version}`
        // 2,500 events of three contexts and a bridge, four systems interleaved, written 100 per
        // transaction: more than one batch record's worth of some systems.
        const systems = ['orders', 'users', 'orders.eu', 'billing']
        const seqs = new Map<string, number>()
        const events = Array.from({ length: 2_500 }, (_, i) => {
          const system = systems[(i * 7) % systems.length]!
          if (i % 10 === 9) return injected(system, `x${i}`, 1_000 + Math.floor(i / 3))
          const origin = ['a', 'b', 'c'][i % 3]!
          const seq = (seqs.get(origin) ?? 0) + 1
          seqs.set(origin, seq)
          return sent(system, origin, seq, 1_000 + Math.floor(i / 3))
        })
        const writes = Array.from({ length: 25 }, (_, i) => events.slice(i * 100, i * 100 + 100))
        await createVersion2or3(name, version, writes)
        const before = await describeDatabase(name)
        const expected = new MemoryReplayStore()
        await expected.write(events)
        const store = await openStore(name)
        const after = await describeDatabase(name)
        const reads = [{}, { systems: [{ equals: 'orders' }] }, { systems: [{ startsWith: 'orders' }], since: 1_400 }, { systems: [{ equals: 'billing' }], last: 50 }]
        const same: boolean[] = []
        for (const range of reads) same.push(JSON.stringify(await store.read(range)) === JSON.stringify(await expected.read(range)))
        const heads = await headsOf(name)
        // Writing old events again changes nothing; new ones land in order.
        const more = [events[0]!, sent('orders', 'a', 2_000, 2_000)]
        await store.write(more)
        await expected.write(more)
        same.push(JSON.stringify(await store.read({})) === JSON.stringify(await expected.read({})))
        const count = (await store.read({})).length
        const firstTwo = labels((await store.read({ systems: [{ equals: 'orders' }] })).slice(0, 2))
        store.close()
        return { before, after, same, heads, count, firstTwo, seqs: Object.fromEntries(seqs) }
      },
      [FIXTURE, version] as const,
    )
    const v2 = { version: 2, stores: ['events'], keyPath: ['time', 'origin', 'seq', 'system', 'id'], indexes: ['by-system'] }
    expect(result.before).toEqual(version === 2 ? v2 : { ...v2, version: 3, stores: ['events', 'heads'] })
    expect(result.after).toEqual({ version: 4, stores: ['batches', 'heads'], keyPath: ['system', 'time', 'origin', 'seq', 'id', 'from', 'count'], indexes: ['by-time'] })
    expect(result.same).toEqual([true, true, true, true, true])
    expect(result.count).toBe(2_501)
    expect(result.firstTwo).toEqual(['orders/a-1', 'orders/b-2'])
    // Version 3's heads carried over: every context's events up to its last seq are stored.
    expect(result.heads).toEqual(version === 3 ? result.seqs : {})
  })
}

test('a write keeps one record per system (at most 1,000 events each), and a read merges them in store order', async ({ page }) => {
  const result = await page.evaluate(
    async (url) => {
      const { openStore, sent }: Fixture = await import(url)
      const store = await openStore('index-batches')
      const events = Array.from({ length: 2_500 }, (_, i) => sent(i % 5 === 0 ? 'users' : 'orders', 'a', i + 1, 100 + Math.floor(i / 10)))
      await store.write(events)
      await store.write([sent('orders', 'b', 1, 150), sent('orders', 'b', 2, 400)])
      const counts = await new Promise<number[]>((resolve, reject) => {
        const open = indexedDB.open('crossbus-replay:index-batches')
        open.onsuccess = () => {
          const read = open.result.transaction('batches', 'readonly').objectStore('batches').getAll()
          read.onsuccess = () => {
            open.result.close()
            resolve((read.result as Array<{ count: number }>).map((batch) => batch.count))
          }
          read.onerror = () => reject(read.error)
        }
        open.onerror = () => reject(open.error)
      })
      const orders = await store.read({ systems: [{ equals: 'orders' }] })
      const sorted = orders.every((e, i) => i === 0 || e.time > orders[i - 1]!.time || (e.time === orders[i - 1]!.time && (e.origin > orders[i - 1]!.origin || (e.origin === orders[i - 1]!.origin && e.seq > orders[i - 1]!.seq))))
      store.close()
      return { counts, orders: orders.length, sorted, b: orders.filter((e) => e.origin === 'b').map((e) => e.seq) }
    },
    FIXTURE,
  )
  // a's 2,000 orders in two records, its 500 users in one, b's two orders in one of their own.
  expect(result.counts.slice().sort((x, y) => x - y)).toEqual([2, 500, 1_000, 1_000])
  expect(result).toMatchObject({ orders: 2_002, sorted: true, b: [1, 2] })
})

test('a trim that cuts through batches of several contexts keeps exactly the newest events and rewrites the rest', async ({ page }) => {
  const result = await page.evaluate(
    async (url) => {
      const { openStore, MemoryReplayStore, sent, labels }: Fixture = await import(url)
      const store = await openStore('index-trim-split')
      const memory = new MemoryReplayStore()
      // Two contexts, their writes overlapping in time, two systems.
      for (let write = 0; write < 6; write++) {
        for (const origin of ['a', 'b']) {
          const batch = Array.from({ length: 50 }, (_, i) => sent(i % 3 ? 'orders' : 'users', origin, write * 50 + i + 1, 1_000 + write * 40 + i))
          await store.write(batch)
          await memory.write(batch)
        }
      }
      const same: boolean[] = []
      for (const [retention, now] of [
        [{ maxEvents: 1_000, maxAgeMs: 200 }, 1_250],
        [{ maxEvents: 333, maxAgeMs: 10_000 }, 1_250],
        [{ maxEvents: 100, maxAgeMs: 10_000 }, 1_250],
      ] as const) {
        await store.trim(retention, now, 'a')
        await memory.trim(retention, now, 'a')
        same.push(labels(await store.read({})).join() === labels(await memory.read({})).join())
      }
      const left = (await store.read({})).length
      store.close()
      return { same, left }
    },
    FIXTURE,
  )
  expect(result).toEqual({ same: [true, true, true], left: 100 })
})

test('a trim merges the small records of a system sent one event per task, and reads stay the same', async ({ page }) => {
  const result = await page.evaluate(
    async (url) => {
      const { openStore, MemoryReplayStore, recordsPerSystem, sent, labels }: Fixture = await import(url)
      const store = await openStore('index-merge')
      const memory = new MemoryReplayStore()
      const writes = Array.from({ length: 30 }, (_, i) => [sent(i % 3 ? 'orders' : 'users', i % 2 ? 'a' : 'b', i + 1, 100 + i)])
      writes.push(Array.from({ length: 150 }, (_, i) => sent('orders', 'c', i + 1, 110 + i)), [sent('billing', 'a', 31, 200)])
      for (const events of writes) {
        await store.write(events)
        await memory.write(events)
      }
      const before = await recordsPerSystem('index-merge')
      await store.trim({ maxEvents: 1_000, maxAgeMs: 1_000_000 }, 1_000, 'a')
      const after = await recordsPerSystem('index-merge')
      const same: boolean[] = []
      for (const range of [{}, { systems: [{ equals: 'orders' }] }, { systems: [{ equals: 'users' }], last: 4 }]) {
        same.push(labels(await store.read(range)).join() === labels(await memory.read(range)).join())
      }
      store.close()
      return { before, after, same }
    },
    FIXTURE,
  )
  // orders: 20 one-event records merge into one, its 150-event record stays; users: 10 into one; billing: one is left alone.
  expect(result).toEqual({ before: { orders: 21, users: 10, billing: 1 }, after: { orders: 2, users: 1, billing: 1 }, same: [true, true, true] })
})

test('retention still trims the whole store by age and count', async ({ page }) => {
  const result = await page.evaluate(
    async (url) => {
      const { openStore, sent, labels }: Fixture = await import(url)
      const store = await openStore('index-trim')
      await store.write([1, 2, 3, 4, 5, 6].map((n) => sent(n % 2 ? 'odd' : 'even', 'a', n, n * 10)))
      await store.trim({ maxEvents: 4, maxAgeMs: 1000 }, 1000, 'a')
      const byCount = labels(await store.read({}))
      await store.trim({ maxEvents: 100, maxAgeMs: 50 }, 100, 'a')
      const byAge = labels(await store.read({}))
      const odd = labels(await store.read({ systems: [{ equals: 'odd' }] }))
      store.close()
      return { byCount, byAge, odd }
    },
    FIXTURE,
  )
  expect(result).toEqual({ byCount: ['odd/a-3', 'even/a-4', 'odd/a-5', 'even/a-6'], byAge: ['odd/a-5', 'even/a-6'], odd: ['odd/a-5'] })
})

test('IndexedDB and memory stores give the same answers to generated reads', async ({ page }) => {
  const mismatches = await page.evaluate(
    async (url) => {
      const { openStore, MemoryReplayStore, sent, injected, labels }: Fixture = await import(url)
      let state = 7
      const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648)
      const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!
      const systems = ['a', 'a.b', 'a.b.c', 'ab', 'b', 'b.a', 'c']
      const seqs = new Map<string, number>()
      const injectedAt = new Map<string, number>()
      const events = Array.from({ length: 2000 }, (_, i) => {
        const time = Math.floor(i / 40) + Math.floor(random() * 3) // many ties, roughly ascending
        if (random() < 0.2) {
          // Ids repeat across systems; a repeated (system, id) is the same event, at its own time.
          const [system, id] = [pick(systems), `x${Math.floor(random() * 300)}`]
          if (!injectedAt.has(`${system} ${id}`)) injectedAt.set(`${system} ${id}`, time)
          return injected(system, id, injectedAt.get(`${system} ${id}`)!)
        }
        const origin = pick(['o1', 'o2', 'o3'])
        const seq = (seqs.get(origin) ?? 0) + 1
        seqs.set(origin, seq)
        return sent(pick(systems), origin, seq, time)
      })
      const idb = await openStore('index-parity')
      const memory = new MemoryReplayStore()
      for (let at = 0; at < events.length; at += 250) {
        // Batches out of order, with some events repeated.
        const batch = events.slice(at, at + 250).reverse()
        batch.push(...batch.slice(0, 20))
        await idb.write(batch)
        await memory.write(batch)
      }
      const mismatches: string[] = []
      for (let n = 0; n < 150; n++) {
        const ranges = Array.from({ length: Math.floor(random() * 3) }, () =>
          random() < 0.5 ? { equals: pick(systems) } : { startsWith: pick(['a', 'a.', 'a.b', 'b', 'c', 'z', '']) },
        )
        const range = {
          systems: random() < 0.15 ? undefined : ranges,
          since: random() < 0.5 ? undefined : Math.floor(random() * 50),
          last: random() < 0.5 ? undefined : Math.floor(random() * 400),
        }
        const [fromIdb, fromMemory] = [labels(await idb.read(range)), labels(await memory.read(range))]
        if (JSON.stringify(fromIdb) !== JSON.stringify(fromMemory)) mismatches.push(`${JSON.stringify(range)}: ${fromIdb.length} vs ${fromMemory.length}`)
      }
      const sizes = [(await idb.read({})).length, memory.size]
      idb.close()
      return { mismatches, sizes }
    },
    FIXTURE,
  )
  expect(mismatches.mismatches).toEqual([])
  expect(mismatches.sizes[0]).toBe(mismatches.sizes[1])
})
