// History against faults found by trying to break it: one unstorable event, a clock two days ahead
// or an hour back, the database deleted by another tab, data nested too deep to cross contexts, a
// context that cannot store what it sent.
import { expect, test, type BrowserContext, type Page } from '@playwright/test'
import { openTab, uniqueName } from './support/tabs'
import { watchPage } from './support/watch-page'

type Lib = typeof import('../src/index')
const LIB = '/src/index.ts'

declare global {
  interface Window {
    bus?: import('../src/index').Bus
    errorCodes?: string[]
  }
}

async function startBus(page: Page, name: string, options: object = {}): Promise<void> {
  await page.evaluate(
    async ([url, busName, extra]) => {
      const { createBus }: Lib = await import(url)
      window.bus = createBus({ name: busName, replay: {}, ...extra })
      window.errorCodes = []
      window.bus.errors$.subscribe((e) => window.errorCodes!.push(`${e.code}: ${e.message}`))
    },
    [LIB, name, options] as const,
  )
}

const history = (page: Page) => page.evaluate(async () => (await window.bus!.history('**')).map((e) => e.path))
const send = (page: Page, path: string) =>
  page.evaluate(async (p) => {
    window.bus!.send('orders', 'order.created', p, { p })
    await window.bus!.flush()
  }, path)

test('one event that cannot be stored is refused alone; history keeps working in IndexedDB', async ({ context }) => {
  const name = uniqueName('faults-deep')
  const { page, check } = await openTab(context)
  // A local bus checks nothing at send, so the store meets the data as given.
  await startBus(page, name, { crossTab: false })
  await send(page, '/before')
  await page.evaluate(async () => {
    let deep: unknown = 'leaf'
    for (let i = 0; i < 20_000; i++) deep = { deep }
    window.bus!.send('orders', 'order.created', '/deep', deep)
    window.bus!.send('orders', 'order.created', '/beside', { ok: true })
    await window.bus!.flush()
  })
  await send(page, '/after')
  expect(await history(page)).toEqual(['/before', '/beside', '/after'])
  const errors = await page.evaluate(() => window.errorCodes!)
  expect(errors).toHaveLength(1)
  expect(errors[0]).toMatch(/^REPLAY_NOT_STORABLE: .*was delivered but not stored/)
  // Not a fallback to memory: a tab opened now reads the same history from IndexedDB.
  const later = await openTab(context)
  await startBus(later.page, name, { crossTab: false })
  expect(await history(later.page)).toEqual(['/before', '/beside', '/after'])
  check()
  later.check()
})

test('data nested too deep fails the send atomically on a cross-tab bus: nothing delivered anywhere, no seq taken', async ({ context }) => {
  const name = uniqueName('faults-nest')
  const [a, b] = [await openTab(context), await openTab(context)]
  await startBus(a.page, name)
  await startBus(b.page, name)
  await b.page.evaluate(() => {
    ;(window as unknown as { got: string[] }).got = []
    window.bus!.subscribe('orders').subscribe((e) => (window as unknown as { got: string[] }).got.push(e.path))
  })
  const result = await a.page.evaluate(() => {
    let deep: unknown = 'leaf'
    for (let i = 0; i < 5_000; i++) deep = { deep }
    const local: string[] = []
    window.bus!.subscribe('orders').subscribe((e) => local.push(e.path))
    let code = ''
    try {
      window.bus!.send('orders', 'order.created', '/deep', deep)
    } catch (error) {
      code = (error as { code: string }).code
    }
    const next = window.bus!.send('orders', 'order.created', '/next')
    return { code, local, seq: next.seq }
  })
  expect(result).toEqual({ code: 'SYNC_NOT_CLONABLE', local: ['/next'], seq: 1 })
  await expect.poll(() => b.page.evaluate(() => (window as unknown as { got: string[] }).got)).toEqual(['/next'])
  expect(await b.page.evaluate(() => window.errorCodes!)).toEqual([])
  a.check()
  b.check()
})

test("a tab whose clock runs two days ahead neither expires the others' history nor hides later events", async ({ context }) => {
  const name = uniqueName('faults-clock')
  const normal = await openTab(context)
  await startBus(normal.page, name, { replay: { maxEvents: 20 } })
  for (let i = 1; i <= 5; i++) await send(normal.page, `/n${i}`)

  const ahead = await context.newPage()
  // This page alone: Playwright's clock would shift every page of the context.
  await ahead.addInitScript((shift) => {
    const RealDate = Date
    class ShiftedDate extends RealDate {
      constructor(...args: ConstructorParameters<typeof Date>) {
        super(...((args.length > 0 ? args : [RealDate.now() + shift]) as [number]))
      }
      static override now(): number {
        return RealDate.now() + shift
      }
    }
    globalThis.Date = ShiftedDate as DateConstructor
  }, 2 * 24 * 60 * 60 * 1000)
  await ahead.goto('/e2e/fixtures/blank.html')
  expect(await ahead.evaluate(() => Date.now() - performance.timeOrigin - performance.now())).toBeGreaterThan(47 * 60 * 60 * 1000)
  // Opening trims at once; sending four events (maxEvents / 10 = 2 per trim) trims twice more.
  await startBus(ahead, name, { replay: { maxEvents: 20 } })
  for (let i = 1; i <= 4; i++) await send(ahead, `/a${i}`)

  const late = await openTab(context)
  await startBus(late.page, name, { replay: { maxEvents: 20 } })
  expect(await history(late.page)).toEqual(['/n1', '/n2', '/n3', '/n4', '/n5', '/a1', '/a2', '/a3', '/a4'])
  expect(await history(normal.page)).toEqual(['/n1', '/n2', '/n3', '/n4', '/n5', '/a1', '/a2', '/a3', '/a4'])
  normal.check()
  late.check()
})

test('history deleted by another tab is reported as such, and used again once recreated', async ({ context }) => {
  const name = uniqueName('faults-deleted')
  const { page, check } = await openTab(context)
  await startBus(page, name)
  await send(page, '/before')
  const other = await openTab(context)
  await other.page.evaluate(
    (dbName) =>
      new Promise<void>((resolve, reject) => {
        const request = indexedDB.deleteDatabase(dbName)
        request.onsuccess = () => resolve()
        request.onerror = () => reject(request.error)
      }),
    `crossbus-replay:${name}`,
  )
  await page.waitForFunction(() => window.errorCodes!.length === 1)
  expect((await page.evaluate(() => window.errorCodes!))[0]).toMatch(/^REPLAY_UNAVAILABLE: .*another context deleted the history database/)
  await send(page, '/while-reopening')
  // Once recreated, a new tab reads from IndexedDB what this one sent since the deletion.
  const late = await openTab(context)
  await startBus(late.page, name)
  await expect.poll(() => history(late.page), { timeout: 10_000 }).toEqual(['/while-reopening'])
  await send(page, '/after')
  await expect.poll(() => history(late.page)).toEqual(['/while-reopening', '/after'])
  expect(await page.evaluate(() => window.errorCodes!.length)).toBe(1)
  check()
  other.check()
  late.check()
})

test('a context sending faster than IndexedDB stores says so once, and history still gets every event', async ({ context }) => {
  const name = uniqueName('faults-behind')
  const { page, check } = await openTab(context)
  await startBus(page, name, { replay: { maxEvents: 100_000 } })
  const result = await page.evaluate(async () => {
    await window.bus!.flush()
    for (let i = 0; i < 30_000; i++) window.bus!.send('load', 'tick', `/t/${i}`)
    // The task's batch goes to the store in a microtask.
    await Promise.resolve()
    const reported = [...window.errorCodes!]
    await window.bus!.flush()
    for (let i = 0; i < 10; i++) window.bus!.send('load', 'tick', '/calm')
    await window.bus!.flush()
    return { reported, after: window.errorCodes!.length, stored: (await window.bus!.history('load')).length }
  })
  expect(result.reported).toHaveLength(1)
  expect(result.reported[0]).toMatch(/^REPLAY_BEHIND: .*30000 events sent here are not stored yet/)
  expect(result).toMatchObject({ after: 1, stored: 30_010 })
  check()
})

test('records a hostile script writes into the history database neither break reads nor hide live events', async ({ context }) => {
  const name = uniqueName('faults-records')
  const victim = await openTab(context)
  await startBus(victim.page, name)
  await send(victim.page, '/real/1')
  const victimOrigin = await victim.page.evaluate(() => window.bus!.origin)
  const hostile = await openTab(context)
  await hostile.page.evaluate(
    ([dbName, origin]) =>
      new Promise<void>((resolve, reject) => {
        const request = indexedDB.open(dbName)
        request.onsuccess = () => {
          const tx = request.result.transaction('batches', 'readwrite')
          const store = tx.objectStore('batches')
          const now = Date.now()
          // A system that is a number, which once made every glob read throw: a batch the reader cannot take.
          const x1 = { id: 'x-1', system: 42, kind: 'k', path: '/x', time: now, origin: 'x', seq: 1 }
          store.put({ system: 42, time: now, origin: 'x', seq: 1, id: 'x-1', from: [now, 'x', 1, '42', 'x-1'], count: 1, events: [x1] })
          // In a batch of the right shape: garbage fields, and a seq far ahead for the live victim,
          // which once hid its next events from replays.
          const x2 = { id: 'x-2', system: 'orders', kind: 'k', path: undefined, time: now, origin: 'x', seq: 2 }
          const forged = { id: `${origin}-999999999`, system: 'orders', kind: 'order.created', path: '/forged', time: now, origin, seq: 999_999_999 }
          store.put({ system: 'orders', time: now, origin, seq: forged.seq, id: forged.id, from: [now, 'x', 2, 'orders', 'x-2'], count: 2, events: [x2, forged] })
          tx.oncomplete = () => {
            request.result.close()
            resolve()
          }
          tx.onabort = () => reject(tx.error)
        }
        request.onerror = () => reject(request.error)
      }),
    [`crossbus-replay:${name}`, victimOrigin] as const,
  )
  const late = await openTab(context)
  await startBus(late.page, name)
  await late.page.evaluate(() => {
    ;(window as unknown as { got: string[] }).got = []
    window.bus!.subscribe('**', { replay: 'all' }).subscribe((e) => (window as unknown as { got: string[] }).got.push(e.path))
  })
  await expect.poll(() => late.page.evaluate(() => (window as unknown as { got: string[] }).got)).toEqual(['/real/1', '/forged'])
  await send(victim.page, '/real/2')
  await send(victim.page, '/real/3')
  await expect.poll(() => late.page.evaluate(() => (window as unknown as { got: string[] }).got)).toEqual(['/real/1', '/forged', '/real/2', '/real/3'])
  expect(await history(late.page)).toEqual(['/real/1', '/forged', '/real/2', '/real/3'])
  const reported = await late.page.evaluate(() => window.errorCodes!)
  expect(reported.length).toBeGreaterThan(0)
  expect(reported.every((line) => line.startsWith('REPLAY_MALFORMED_RECORD: Left out 2 record(s)'))).toBe(true)
  victim.check()
  hostile.check()
  late.check()
})

/** A page whose clock is `shift` ms off (this page alone: Playwright's clock would shift every page of the context). */
async function shiftedPage(context: BrowserContext, shift: number): Promise<Page> {
  const page = await context.newPage()
  await page.addInitScript((by) => {
    const RealDate = Date
    class ShiftedDate extends RealDate {
      constructor(...args: ConstructorParameters<typeof Date>) {
        super(...((args.length > 0 ? args : [RealDate.now() + by]) as [number]))
      }
      static override now(): number {
        return RealDate.now() + by
      }
    }
    globalThis.Date = ShiftedDate as DateConstructor
  }, shift)
  await page.goto('/e2e/fixtures/blank.html')
  return page
}

test('a bus created after the clock went back an hour stamps after the newest stored event, so replay: 5 gets its newest events', async ({ context }) => {
  const name = uniqueName('faults-clock-back')
  const before = await openTab(context)
  await startBus(before.page, name)
  for (const path of ['/old/1', '/old/2', '/old/3']) await send(before.page, path)
  await before.page.close()

  const page = await shiftedPage(context, -60 * 60 * 1000)
  const check = watchPage(page)
  await startBus(page, name)
  const result = await page.evaluate(async () => {
    const bus = window.bus!
    // History is open (and the clock has seen its newest event) once a read answers.
    await bus.history('orders')
    for (let i = 1; i <= 5; i++) bus.send('orders', 'order.created', `/new/${i}`)
    await bus.flush()
    const replayed: string[] = []
    bus.subscribe('orders', { replay: 5 }).subscribe((e) => replayed.push(e.path))
    const last5 = (await bus.history('orders', { limit: 5 })).map((e) => e.path)
    return { replayed, last5 }
  })
  const newest = ['/new/1', '/new/2', '/new/3', '/new/4', '/new/5']
  expect(result.last5).toEqual(newest)
  await expect.poll(() => page.evaluate(() => window.bus!.history('orders').then((all) => all.map((e) => e.path)))).toEqual(['/old/1', '/old/2', '/old/3', ...newest])
  expect(await page.evaluate(() => window.errorCodes!)).toEqual([])
  check()
})

test('events another context sent but never stored (its history is in memory) are named on errors$ by a late replay, not silently skipped', async ({ context }) => {
  const name = uniqueName('faults-unstored')
  const sender = await context.newPage()
  // This tab cannot store: its history falls back to memory, and other tabs cannot read it.
  await sender.addInitScript(() => {
    IDBObjectStore.prototype.put = function () {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
    }
  })
  await sender.goto('/e2e/fixtures/blank.html')
  await startBus(sender, name)
  const senderOrigin = await sender.evaluate(() => window.bus!.origin)
  for (let i = 1; i <= 3; i++) await send(sender, `/early/${i}`)

  const late = await openTab(context)
  await startBus(late.page, name)
  await late.page.evaluate(() => {
    ;(window as unknown as { got: string[] }).got = []
    window.bus!.subscribe('orders').subscribe((e) => (window as unknown as { got: string[] }).got.push(e.path))
  })
  await send(sender, '/live/1')
  // The late tab got the sender's fourth event live; the three before it are nowhere it can read.
  await expect.poll(() => late.page.evaluate(() => (window as unknown as { got: string[] }).got)).toEqual(['/live/1'])
  const replayed = await late.page.evaluate(async () => (await window.bus!.history('orders')).map((e) => e.path))
  expect(replayed).toEqual(['/live/1'])
  const reported = await late.page.evaluate(() => window.errorCodes!)
  expect(reported).toHaveLength(1)
  expect(reported[0]).toContain(`REPLAY_INCOMPLETE: `)
  expect(reported[0]).toContain(`seqs 1 to 3 of bus instance ${senderOrigin}`)
  late.check()
})
