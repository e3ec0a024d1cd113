// The seam between history and live events under load, the case a user found: three tabs send as
// fast as they can while a late tab opens 24 `replay: 'all'` subscriptions, half from timers and
// half from inside a live handler. Each must end with every event of every sender, once and in
// per-sender order, or say on errors$ which events it could not deliver: never a silent hole.
// Bounded by event counts, not by time.
import { expect, test, type Page } from '@playwright/test'
import { openTab, uniqueName } from './support/tabs'
import type { LateTab, Missing, SenderTab } from './fixtures/replay-seam/tab'

const FIXTURE = '/e2e/fixtures/replay-seam/tab.ts'
const SUBSCRIPTIONS = 24
// Per sender, at least: about what got out of each of the user's tabs in 6 s.
const EVENTS = 8000

declare global {
  interface Window {
    sender?: SenderTab
    late?: LateTab
  }
}

const sent = (page: Page) => page.evaluate(() => window.sender!.sent())

test('24 replaying subscriptions opened while three tabs send at full speed each end complete and in order, or report what is missing', async ({ context }) => {
  test.setTimeout(240_000)
  const name = uniqueName('seam')
  const senders = [await openTab(context), await openTab(context), await openTab(context)]
  const late = await openTab(context)
  for (const tab of senders) {
    await tab.page.evaluate(
      async ([url, busName, total]) => {
        const { startSender }: typeof import('./fixtures/replay-seam/tab') = await import(url)
        window.sender = startSender(busName, 20, total)
      },
      [FIXTURE, name, EVENTS] as const,
    )
  }
  // The late tab comes once every sender has history behind it.
  for (const tab of senders) await expect.poll(() => sent(tab.page), { timeout: 60_000 }).toBeGreaterThan(1000)
  await late.page.evaluate(
    async ([url, busName, count]) => {
      const { startLateTab }: typeof import('./fixtures/replay-seam/tab') = await import(url)
      window.late = startLateTab(busName, count, 100)
    },
    [FIXTURE, name, SUBSCRIPTIONS] as const,
  )
  await expect.poll(() => late.page.evaluate(() => window.late!.opened()), { timeout: 60_000 }).toBe(SUBSCRIPTIONS)
  // The senders go on until every subscription is open (the last ones open from live deliveries).
  for (const tab of senders) await tab.page.evaluate(() => window.sender!.release())
  const lasts = await Promise.all(senders.map((tab) => tab.page.evaluate(() => window.sender!.done())))

  // Every subscription reaches every sender's last event (live delivery is complete); the ones
  // that have not yet, with where they are.
  const unfinished = () =>
    late.page.evaluate(
      (expected) =>
        window.late!.received().flatMap((run, index) => {
          const behind = expected.filter(({ origin, last }) => run[origin]?.at(-1) !== last)
          return behind.length === 0 ? [] : [`${index}: ${behind.map(({ origin, last }) => `${run[origin]?.at(-1)}/${last} (${run[origin]?.length ?? 0})`).join(' ')}`]
        }),
      lasts,
    )
  await expect.poll(unfinished, { timeout: 120_000 }).toEqual([])
  const runs = await late.page.evaluate(() => window.late!.received())
  const missing = await late.page.evaluate(() => window.late!.missing())
  expect(await late.page.evaluate(() => window.late!.otherErrors())).toEqual([])
  const reported = (origin: string, seq: number) => missing.some((m: Missing) => m.origin === origin && seq >= m.from && seq <= m.to)
  for (const [index, run] of runs.entries()) {
    for (const { origin, last } of lasts) {
      const seqs = run[origin] ?? []
      // In order and once: strictly increasing.
      const reordered = seqs.filter((seq, i) => i > 0 && seq <= seqs[i - 1]!)
      expect(reordered, `subscription ${index}, sender ${origin}: out of order or repeated`).toEqual([])
      // Complete, but for what errors$ named.
      const got = new Set(seqs)
      const silent = Array.from({ length: last }, (_, i) => i + 1).filter((seq) => !got.has(seq) && !reported(origin, seq))
      expect(silent.length, `subscription ${index}, sender ${origin}: silently missing ${silent.slice(0, 5).join(', ')}`).toBe(0)
    }
  }
  for (const tab of [...senders, late]) tab.check()
})
