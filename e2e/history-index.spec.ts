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
  expect(result.before).toEqual({ version: 1, keyPath: ['time', 'origin', 'seq'], indexes: [] })
  expect(result.after).toEqual({ version: 3, keyPath: ['time', 'origin', 'seq', 'system', 'id'], indexes: ['by-system'] })
  expect(result.all).toEqual(['orders/a-1', 'users/a-2', 'orders/b-1', 'orders.eu/a-3'])
  expect(result.orders).toEqual(['orders/a-1', 'orders/b-1', 'orders.eu/a-3'])
  expect(result.written).toEqual(['orders/a-1', 'orders/b-1', 'orders/a-4'])
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
