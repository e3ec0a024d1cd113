// The plugin seam in real Chromium: events a bridge injects in one tab reach the other tabs once,
// marked with the bridge, are stored in IndexedDB once, and a job has exactly one leader.
import { expect, test, type Page } from '@playwright/test'
import { openTab, uniqueName } from './support/tabs'
import type { BridgeTab } from './fixtures/plugins/bridge-tab'

const FIXTURE = '/e2e/fixtures/plugins/bridge-tab.ts'

declare global {
  interface Window {
    tab?: BridgeTab
  }
}

async function start(page: Page, name: string): Promise<void> {
  await page.evaluate(
    async ([url, busName]) => {
      const { startBridgeTab }: typeof import('./fixtures/plugins/bridge-tab') = await import(url)
      window.tab = startBridgeTab(busName)
    },
    [FIXTURE, name] as const,
  )
}

test('an injected event keeps its identity, reaches every tab once, is stored once, never goes back to its bridge', async ({ context }) => {
  const name = uniqueName('plugins')
  const [a, b] = [await openTab(context), await openTab(context)]
  await start(a.page, name)
  await start(b.page, name)

  const accepted = await a.page.evaluate(() => {
    const external = (id: string, source: string) => ({ id, system: source, kind: 'order.created', path: `/orders/${id}`, data: { id }, time: Date.now(), origin: 'external', seq: 0 })
    // The same CloudEvent twice (a broker redelivering), and the same id from another source.
    return window.tab!.inject([external('ce-1', 'orders'), external('ce-1', 'orders'), external('ce-1', 'users'), external('ce-2', 'orders')])
  })
  expect(accepted).toEqual([true, false, true, true])
  await a.page.evaluate(() => window.tab!.bus.flush())

  await expect.poll(() => b.page.evaluate(() => window.tab!.delivered)).toEqual(['ce-1', 'ce-1', 'ce-2'])
  const seenInB = await b.page.evaluate(() => window.tab!.seen)
  expect(seenInB.map((s) => [s.arrival, s.bridge])).toEqual([
    ['received', 'test-bridge'],
    ['received', 'test-bridge'],
    ['received', 'test-bridge'],
  ])
  // B's bridge brings the same event in again (a second bridge during a handover): refused.
  const again = await b.page.evaluate(() =>
    window.tab!.inject([{ id: 'ce-2', system: 'orders', kind: 'order.created', path: '/orders/ce-2', data: { id: 'ce-2' }, time: Date.now(), origin: 'external', seq: 0 }]),
  )
  expect(again).toEqual([false])

  // A late tab reads history: each event once, written by the tab that injected it. (Events of one
  // millisecond that no bus sequenced are stored in source and id order.)
  const late = await openTab(context)
  await start(late.page, name)
  await expect.poll(async () => (await late.page.evaluate(() => window.tab!.history())).sort()).toEqual(['ce-1', 'ce-1', 'ce-2'])
  expect(await a.page.evaluate(() => window.tab!.seen.map((s) => [s.arrival, s.bridge]))).toEqual([
    ['injected', 'test-bridge'],
    ['injected', 'test-bridge'],
    ['injected', 'test-bridge'],
  ])
  for (const tab of [a, b, late]) tab.check()
})

test('exactly one tab leads a job, and another takes over when it closes', async ({ context }) => {
  const name = uniqueName('plugins-lead')
  const tabs = [await openTab(context), await openTab(context), await openTab(context)]
  for (const tab of tabs) await start(tab.page, name)
  const leaders = async () => {
    const states = await Promise.all(tabs.filter((tab) => !tab.page.isClosed()).map((tab) => tab.page.evaluate(() => window.tab!.leading.at(-1))))
    return states.filter(Boolean).length
  }
  await expect.poll(leaders, { timeout: 10_000 }).toBe(1)
  const leaderIndex = (await Promise.all(tabs.map((tab) => tab.page.evaluate(() => window.tab!.leading.at(-1))))).indexOf(true)
  await tabs[leaderIndex]!.page.evaluate(() => window.tab!.bus.close())
  await tabs[leaderIndex]!.page.close()
  await expect.poll(leaders, { timeout: 10_000 }).toBe(1)
  for (const tab of tabs) tab.check()
})
