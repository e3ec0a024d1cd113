// The seam between history and live events under load: three tabs each send about 2,000 events/s
// while a late tab opens twelve `replay: 'all'` subscriptions, half from timers and half from inside
// a live handler. Every subscription must get every event of every sender exactly once, in order.
import { expect, test, type Page } from '@playwright/test'
import { openTab, uniqueName } from './support/tabs'
import type { LateTab, SenderTab } from './fixtures/replay-seam/tab'

const FIXTURE = '/e2e/fixtures/replay-seam/tab.ts'

declare global {
  interface Window {
    sender?: SenderTab
    late?: LateTab
  }
}

test('replaying subscriptions opened while three tabs send 2,000 events/s each lose and repeat nothing', async ({ context }) => {
  test.setTimeout(60_000)
  const name = uniqueName('seam')
  const senders = [await openTab(context), await openTab(context), await openTab(context)]
  const late = await openTab(context)
  for (const tab of senders) {
    await tab.page.evaluate(
      async ([url, busName]) => {
        const { startSender }: typeof import('./fixtures/replay-seam/tab') = await import(url)
        // 20 events every 10 ms: about 2,000 events/s per tab.
        window.sender = startSender(busName, 20, 10)
      },
      [FIXTURE, name] as const,
    )
  }
  await late.page.waitForTimeout(500)
  await late.page.evaluate(
    async ([url, busName]) => {
      const { startLateTab }: typeof import('./fixtures/replay-seam/tab') = await import(url)
      window.late = startLateTab(busName, 12, 150)
    },
    [FIXTURE, name] as const,
  )
  await expect.poll(() => late.page.evaluate(() => window.late!.opened()), { timeout: 20_000 }).toBe(12)
  await late.page.waitForTimeout(300)
  const stop = (page: Page) => page.evaluate(() => window.sender!.stop())
  const lasts = await Promise.all(senders.map((tab) => stop(tab.page)))
  expect(lasts.every((sender) => sender.last > 1000)).toBe(true)

  const expected = Object.fromEntries(lasts.map(({ origin, last }) => [origin, last]))
  const complete = async () => {
    const runs = await late.page.evaluate(() => window.late!.received())
    return runs.map((run) => Object.fromEntries(Object.entries(expected).map(([origin]) => [origin, run[origin]?.length ?? 0])))
  }
  await expect.poll(complete, { timeout: 20_000 }).toEqual(Array.from({ length: 12 }, () => expected))
  // Not only the right count: every seq once, in order.
  const runs = await late.page.evaluate(() => window.late!.received())
  for (const run of runs) {
    for (const [origin, last] of Object.entries(expected)) expect(run[origin]).toEqual(Array.from({ length: last }, (_, i) => i + 1))
  }
  for (const tab of [...senders, late]) tab.check()
})
