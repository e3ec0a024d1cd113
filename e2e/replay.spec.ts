// Replay in real Chromium: history in IndexedDB shared by the tabs of an origin, the seam between
// history and live events, retention, durability when a tab goes away, and every way IndexedDB can
// fail. Each test uses its own bus name; tabs of one test share a browser context (one origin's
// storage), and every test gets a fresh context.
import { expect, test, type BrowserContext, type Page } from '@playwright/test'
import { watchPage } from './support/watch-page'

type Lib = typeof import('../src/index')
type Idb = typeof import('./fixtures/replay/idb')

const LIB = '/src/index.ts'
const IDB = '/e2e/fixtures/replay/idb.ts'
const BLANK = '/e2e/fixtures/blank.html'

interface Summary {
  origin: string
  seq: number
  path: string
}

declare global {
  interface Window {
    bus?: import('../src/index').Bus
    received?: Summary[]
    errorCodes?: string[]
    keepSending?: boolean
  }
}

async function openTab(context: BrowserContext): Promise<Page> {
  const page = await context.newPage()
  await page.goto(BLANK)
  return page
}

/** Creates `window.bus` with replay, recording what `errors$` reports in `window.errorCodes`. */
async function startBus(page: Page, name: string, replay: object = {}): Promise<string> {
  return page.evaluate(
    async ([url, busName, replayOptions]) => {
      const { createBus }: Lib = await import(url)
      const bus = createBus({ name: busName, replay: replayOptions })
      window.bus = bus
      window.errorCodes = []
      bus.errors$.subscribe((e) => window.errorCodes!.push(`${e.kind}/${e.code}: ${e.message}`))
      return bus.origin
    },
    [LIB, name, replay] as const,
  )
}

/** Sends `count` events from `window.bus`, then waits until they are stored. */
async function sendAndFlush(page: Page, count: number, prefix = '/e'): Promise<void> {
  await page.evaluate(
    async ([n, p]) => {
      for (let i = 1; i <= n; i++) window.bus!.send('orders', 'order.created', `${p}/${i}`, { i })
      await window.bus!.flush()
    },
    [count, prefix] as const,
  )
}

/** Subscribes `window.bus` with replay, recording what arrives in `window.received`. */
async function subscribeWithReplay(page: Page, replay: unknown = 'all'): Promise<void> {
  await page.evaluate((spec) => {
    window.received = []
    window.bus!.subscribe('orders', undefined, { replay: spec as 'all' }).subscribe((e) => {
      window.received!.push({ origin: e.origin, seq: e.seq, path: e.path })
    })
  }, replay)
}

/** Every origin's events arrived as seq 1, 2, 3, ... with no gap and no duplicate. */
function expectEachOriginGapless(received: readonly Summary[]): Map<string, number> {
  const last = new Map<string, number>()
  for (const event of received) {
    expect(event.seq, `event from ${event.origin}`).toBe((last.get(event.origin) ?? 0) + 1)
    last.set(event.origin, event.seq)
  }
  return last
}

test('a reloaded tab replays what it sent before and what other tabs sent meanwhile', async ({ context }) => {
  const a = await openTab(context)
  const b = await openTab(context)
  const checks = [watchPage(a), watchPage(b)]
  const name = 'replay-reload'
  const firstA = await startBus(a, name)
  await sendAndFlush(a, 3, '/a')
  await a.reload()
  const idB = await startBus(b, name)
  await sendAndFlush(b, 2, '/b') // while A was away

  const secondA = await startBus(a, name)
  expect(secondA).not.toBe(firstA)
  await subscribeWithReplay(a)
  await a.waitForFunction(() => window.received!.length >= 5)
  const received = await a.evaluate(() => window.received!)
  expect(received.map((e) => e.path)).toEqual(['/a/1', '/a/2', '/a/3', '/b/1', '/b/2'])
  expect(received.slice(0, 3).every((e) => e.origin === firstA)).toBe(true)
  expect(received.slice(3).every((e) => e.origin === idB)).toBe(true)
  for (const check of checks) check()
})

test('a tab opened after 1,000 events replays them all, then live ones, with no gap or duplicate while another tab keeps sending', async ({ context }) => {
  const a = await openTab(context)
  const checks = [watchPage(a)]
  const name = 'replay-late'
  const idA = await startBus(a, name)
  await sendAndFlush(a, 1000)
  // A keeps sending, a few events per task, until told to stop.
  await a.evaluate(() => {
    window.keepSending = true
    let i = 0
    const loop = () => {
      if (!window.keepSending) return
      for (let n = 0; n < 5; n++) window.bus!.send('orders', 'order.created', `/live/${++i}`)
      setTimeout(loop, 0)
    }
    loop()
  })

  const b = await openTab(context)
  checks.push(watchPage(b))
  const idB = await startBus(b, name)
  await subscribeWithReplay(b)
  // B's own live events right away, while its history is still being read.
  await b.evaluate(() => {
    for (let i = 1; i <= 100; i++) window.bus!.send('orders', 'order.created', `/b/${i}`)
  })
  await b.waitForFunction(
    (ids) => {
      const counts = new Map<string, number>()
      for (const e of window.received!) counts.set(e.origin, (counts.get(e.origin) ?? 0) + 1)
      return (counts.get(ids[0]) ?? 0) > 1000 && counts.get(ids[1]) === 100
    },
    [idA, idB] as const,
  )
  // A stops; everything it sent reaches B live, across tabs, up to its last event.
  const lastOfA = await a.evaluate(() => {
    window.keepSending = false
    return window.bus!.stats().sent
  })
  await b.waitForFunction(
    ([id, seq]) => window.received!.some((e) => e.origin === id && e.seq === seq),
    [idA, lastOfA] as const,
  )
  const received = await b.evaluate(() => window.received!)
  const last = expectEachOriginGapless(received)
  expect(last.get(idA)).toBe(lastOfA)
  expect(last.get(idB)).toBe(100)
  expect(received).toHaveLength(lastOfA + 100)
  // Everything A sent before B subscribed came first, as history.
  expect(received.slice(0, 1000).every((e) => e.origin === idA)).toBe(true)
  for (const check of checks) check()
})

test('three tabs sending at once leave each event stored once, in per-origin order', async ({ context }) => {
  const tabs = [await openTab(context), await openTab(context), await openTab(context)]
  const checks = tabs.map((tab) => watchPage(tab))
  const name = 'replay-three'
  const ids = await Promise.all(tabs.map((tab) => startBus(tab, name)))
  await Promise.all(
    tabs.map((tab) =>
      tab.evaluate(async () => {
        // 300 events over several tasks, so the tabs' batches interleave.
        for (let round = 0; round < 6; round++) {
          for (let i = 0; i < 50; i++) window.bus!.send('orders', 'order.created', `/r${round}/${i}`)
          await new Promise((resolve) => setTimeout(resolve, 0))
        }
        await window.bus!.flush()
      }),
    ),
  )
  const stored = await tabs[0]!.evaluate(async ([url, name]) => {
    const { storedEvents }: Idb = await import(url)
    return storedEvents(name)
  }, [IDB, name] as const)
  expect(stored).toHaveLength(900)
  expect(new Set(stored.map((e) => e.id)).size).toBe(900)
  for (const id of ids) expect(stored.filter((e) => e.origin === id)).toHaveLength(300)

  const history = await tabs[1]!.evaluate(async () => (await window.bus!.history('orders')).map((e) => ({ origin: e.origin, seq: e.seq, path: e.path })))
  expect(history).toHaveLength(900)
  expectEachOriginGapless(history)
  for (const check of checks) check()
})

test('retention trims the store to maxEvents and drops events older than maxAgeMs', async ({ context }) => {
  const page = await openTab(context)
  const check = watchPage(page)
  const name = 'replay-retention'
  const id = await startBus(page, name, { maxEvents: 100 })
  await sendAndFlush(page, 250)
  // The trim runs after the write that crossed the threshold; flush waits for the write only.
  const stored = () => page.evaluate(async ([url, busName]) => (await (import(url) as Promise<Idb>)).storedEvents(busName), [IDB, name] as const)
  await expect.poll(async () => (await stored()).length).toBe(100)
  expect((await stored()).map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 151))
  expect((await stored()).every((e) => e.origin === id)).toBe(true)
  const history = await page.evaluate(async () => (await window.bus!.history('orders')).map((e) => e.seq))
  expect(history).toEqual(Array.from({ length: 100 }, (_, i) => i + 151))

  // Records two hours old, as a session of yesterday left them; a new bus keeping one hour trims them.
  const ages = await page.evaluate(
    async ([lib, idb, busName]) => {
      const { createBus }: Lib = await import(lib)
      const raw: Idb = await import(idb)
      window.bus!.close()
      const old = Date.now() - 2 * 60 * 60 * 1000
      await raw.putRaw(busName, [1, 2, 3].map((seq) => ({ id: `old-${seq}`, system: 'orders', kind: 'k', path: '/old', data: null, time: old, origin: 'old', seq })))
      const before = (await raw.storedEvents(busName)).length
      const bus = createBus({ name: busName, replay: { maxEvents: 100, maxAgeMs: 60 * 60 * 1000 } })
      const historyPaths = (await bus.history('orders')).map((e) => e.path)
      bus.send('orders', 'order.created', '/new')
      await bus.flush()
      // The trim on opening runs after the first write; wait for the old records to go.
      let after = await raw.storedEvents(busName)
      while (after.some((e) => e.origin === 'old')) after = await raw.storedEvents(busName)
      const historyLength = (await bus.history('orders')).length
      bus.close()
      return { before, after: after.length, oldLeft: after.filter((e) => e.origin === 'old').length, historyHasOld: historyPaths.includes('/old'), historyLength }
    },
    [LIB, IDB, name] as const,
  )
  // Opening trimmed the old records (103 -> 100); the one new event waits for the next trim, which
  // comes every maxEvents / 10 writes, while reads already keep to 100.
  expect(ages).toEqual({ before: 103, after: 101, oldLeft: 0, historyHasOld: false, historyLength: 100 })
  check()
})

for (const how of ['closed', 'reloaded'] as const) {
  test(`a tab ${how} right after send returned leaves its events in history`, async ({ context }) => {
    const a = await openTab(context)
    const name = `replay-${how}`
    await startBus(a, name)
    // The database is open (one round trip), as it is once a page has been up for a moment.
    await sendAndFlush(a, 1, '/warm')
    // Send and go away in the same breath: no flush, no await.
    await a.evaluate(() => {
      for (let i = 1; i <= 200; i++) window.bus!.send('orders', 'order.created', `/last/${i}`)
    })
    if (how === 'closed') await a.close()
    else await a.evaluate(() => location.reload())

    const b = await openTab(context)
    const check = watchPage(b)
    await startBus(b, name)
    const history = await b.evaluate(async () => (await window.bus!.history('orders')).map((e) => e.path))
    expect(history).toEqual(['/warm/1', ...Array.from({ length: 200 }, (_, i) => `/last/${i + 1}`)])
    check()
  })
}

/** `window.bus` (whose IndexedDB the test made fail) still sends, delivers, replays, and reports once. */
async function expectBusKeepsWorking(page: Page, reason: RegExp): Promise<void> {
  const result = await page.evaluate(async () => {
    const bus = window.bus!
    const sub = bus.subscribe('orders', undefined, { replay: 'all' })
    window.received = []
    sub.subscribe((e) => window.received!.push({ origin: e.origin, seq: e.seq, path: e.path }))
    let threw = false
    try {
      for (let i = 1; i <= 5; i++) bus.send('orders', 'order.created', `/${i}`)
    } catch {
      threw = true
    }
    await bus.flush()
    const history = (await bus.history('orders')).map((e) => e.path)
    const late: string[] = ((window as unknown as { late: string[] }).late = [])
    bus.subscribe('orders', undefined, { replay: 'all' }).subscribe((e) => late.push(e.path))
    bus.send('orders', 'order.created', '/6')
    await bus.flush()
    return { threw, history, errors: window.errorCodes! }
  })
  expect(result.threw).toBe(false)
  expect(result.history).toEqual(['/1', '/2', '/3', '/4', '/5'])
  // Replay is delivered asynchronously (the seam loads with a bus's first replay), flush or not.
  await page.waitForFunction(() => (window as unknown as { late: string[] }).late.length >= 6)
  expect(await page.evaluate(() => (window as unknown as { late: string[] }).late)).toEqual(['/1', '/2', '/3', '/4', '/5', '/6'])
  // The first subscription's history read was started on IndexedDB and may finish last.
  await page.waitForFunction(() => window.received!.length >= 6)
  expect(await page.evaluate(() => window.received!.map((e) => e.path))).toEqual(['/1', '/2', '/3', '/4', '/5', '/6'])
  expect(result.errors).toHaveLength(1)
  expect(result.errors[0]).toMatch(/^UNAVAILABLE\/REPLAY_UNAVAILABLE: /)
  expect(result.errors[0]).toMatch(reason)
}

test('with indexedDB throwing on access, the bus keeps working in memory and reports it once', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(window, 'indexedDB', {
      get() {
        throw new DOMException('The user denied storage access.', 'SecurityError')
      },
    })
  })
  await page.goto(BLANK)
  const check = watchPage(page)
  await startBus(page, 'replay-no-idb')
  await expectBusKeepsWorking(page, /IndexedDB cannot be opened \(SecurityError/)
  check()
})

test('with indexedDB.open refused (private mode), the bus keeps working in memory and reports it once', async ({ page }) => {
  await page.addInitScript(() => {
    IDBFactory.prototype.open = function () {
      throw new DOMException('A mutation operation was attempted on a database that did not allow mutations.', 'InvalidStateError')
    }
  })
  await page.goto(BLANK)
  const check = watchPage(page)
  await startBus(page, 'replay-private')
  await expectBusKeepsWorking(page, /InvalidStateError/)
  check()
})

test('over quota, the bus keeps working in memory and reports it once', async ({ page }) => {
  await page.goto(BLANK)
  const check = watchPage(page)
  await startBus(page, 'replay-quota')
  await page.evaluate(async () => {
    // The database opened fine; from now on it is full.
    await window.bus!.flush()
    IDBObjectStore.prototype.put = function () {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
    }
  })
  await expectBusKeepsWorking(page, /quota is exceeded/)
  check()
})

test('an upgrade blocked by an old tab that ignores versionchange keeps the bus working, and nothing deadlocks', async ({ context }) => {
  const name = 'replay-blocked'
  const old = await openTab(context)
  // An old tab holds version 1 open and never closes it.
  await old.evaluate(async ([url, busName]) => {
    const { holdOpen }: Idb = await import(url)
    ;(window as unknown as { held: unknown }).held = await holdOpen(busName, 1)
  }, [IDB, name] as const)

  const page = await context.newPage()
  // This tab runs a newer crossbus: one schema version up.
  await page.addInitScript(() => {
    const open = IDBFactory.prototype.open
    IDBFactory.prototype.open = function (this: IDBFactory, dbName: string, version?: number) {
      return open.call(this, dbName, dbName.startsWith('crossbus-replay:') && version !== undefined ? version + 1 : version)
    }
  })
  await page.goto(BLANK)
  const check = watchPage(page)
  await startBus(page, name)
  await expectBusKeepsWorking(page, /older tab .* blocks its upgrade/)

  // Once the old tab goes, the late connection is not kept either: a third opener is not blocked.
  await old.close()
  const third = await openTab(context)
  const versions = await third.evaluate(async ([url, busName]) => {
    const { openDB, databaseName, SCHEMA_VERSION }: Idb = await import(url)
    const db = await openDB(databaseName(busName), SCHEMA_VERSION + 1)
    const v = db.version
    db.close()
    return { opened: v, newer: SCHEMA_VERSION + 1 }
  }, [IDB, name] as const)
  expect(versions.opened).toBe(versions.newer)
  check()
})

test('a newer version opened in another tab makes this tab give way, fall back to memory and report it', async ({ context }) => {
  const name = 'replay-versionchange'
  const page = await openTab(context)
  const check = watchPage(page)
  await startBus(page, name)
  await sendAndFlush(page, 2, '/before')
  const newer = await openTab(context)
  // The newer app's upgrade goes through because this tab closed its connection.
  const versions = await newer.evaluate(async ([url, busName]) => {
    const { openDB, databaseName, SCHEMA_VERSION }: Idb = await import(url)
    const db = await openDB(databaseName(busName), SCHEMA_VERSION + 1)
    const v = db.version
    db.close()
    return { opened: v, newer: SCHEMA_VERSION + 1 }
  }, [IDB, name] as const)
  expect(versions.opened).toBe(versions.newer)
  await page.waitForFunction(() => window.errorCodes!.length === 1)
  const after = await page.evaluate(async () => {
    window.bus!.send('orders', 'order.created', '/after')
    await window.bus!.flush()
    return { history: (await window.bus!.history('orders')).map((e) => e.path), errors: window.errorCodes! }
  })
  expect(after.history).toEqual(['/after'])
  expect(after.errors[0]).toMatch(/^UNAVAILABLE\/REPLAY_UNAVAILABLE: .*newer version/)
  check()
})

test('importing the library and creating a bus without replay touches no IndexedDB', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(window, 'indexedDB', {
      get() {
        ;(window as unknown as { touched: boolean }).touched = true
        return undefined
      },
    })
  })
  await page.goto(BLANK)
  const touched = await page.evaluate(async (url) => {
    const { createBus }: Lib = await import(url)
    const bus = createBus({ name: 'replay-untouched' })
    bus.send('a', 'k', '/1')
    bus.close()
    return (window as unknown as { touched?: boolean }).touched ?? false
  }, LIB)
  expect(touched).toBe(false)
})
