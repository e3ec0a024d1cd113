// A service worker on the bus, in real Chromium (issue 3: "a service worker can send to the tabs
// and receive from them"). The service worker (fixtures/sw/bus-sw.ts, a module transformed by the
// dev server) runs the same sync test node as the other contexts (fixtures/sync/node.ts); the tab
// that registered it drives it by messages (fixtures/sw/register.ts). The tests wait on
// conditions (expect.poll), never on time, and stay short: an idle service worker may be stopped.
import { expect, test, type BrowserContext, type Page } from '@playwright/test'
import { reportOf, startNode } from './support/sync-node'
import { openTab, uniqueName } from './support/tabs'
import type { NodeReport, SyncNode } from './fixtures/sync/node'
import type { RemoteNode } from './fixtures/sync/workers'

const REGISTER = '/e2e/fixtures/sw/register.ts'
const SCRIPT = '/e2e/fixtures/sw/bus-sw.ts'

interface TestWindow {
  syncNode: SyncNode
  serviceWorkerNode: RemoteNode
}

/** Collects errors the service workers of `context` log or throw; the check fails on any. */
function watchServiceWorkers(context: BrowserContext): () => void {
  const problems: string[] = []
  context.on('serviceworker', (worker) => {
    worker.on('console', (message) => {
      if (message.type() === 'error') problems.push(`service worker console.error: ${message.text()}`)
    })
  })
  return () => expect(problems).toEqual([])
}

/** Registers the service worker from `page`, starts its node on `name`, returns its bus id. */
async function startServiceWorkerNode(page: Page, name: string): Promise<string> {
  return page.evaluate(
    async ([url, busName]) => {
      const { startServiceWorkerNode }: typeof import('./fixtures/sw/register') = await import(url)
      const remote = await startServiceWorkerNode(busName)
      ;(window as unknown as TestWindow).serviceWorkerNode = remote
      return ((await remote.call({ op: 'report' })) as NodeReport).id
    },
    [REGISTER, name] as const,
  )
}

/** The service worker node's report, asked through `page` (the tab that registered it). */
function serviceWorkerReport(page: Page): Promise<NodeReport> {
  return page.evaluate(() => (window as unknown as TestWindow).serviceWorkerNode.call({ op: 'report' }) as Promise<NodeReport>)
}

/** A node's peers as sorted "id kind" lines, "(self)" marking its own. */
function peersOf(report: NodeReport): string[] {
  return report.peers.map(({ id, kind, self }) => `${id} ${kind}${self ? ' (self)' : ''}`).sort()
}

test('a bus in a service worker and the buses of two tabs get each other\'s events once each, in order, and see each other in peers$', async ({ context }) => {
  const checkServiceWorkers = watchServiceWorkers(context)
  const name = uniqueName('sw')
  const [a, b] = await Promise.all([openTab(context), openTab(context)])
  const tabA = await startNode(a.page, name)
  const tabB = await startNode(b.page, name)
  const sw = await startServiceWorkerNode(a.page, name)

  // It really is a service worker: Chromium lists it (the bus inside reports its kind below).
  await expect.poll(() => context.serviceWorkers().map((worker) => new URL(worker.url()).pathname)).toContain(SCRIPT)

  // Each side sees the other in peers$: the tab sees the service worker with its kind, the
  // service worker sees both tabs. Presence also proves every channel is open before the bursts.
  await a.page.evaluate(() => (window as unknown as TestWindow).syncNode.watchPeers())
  await a.page.evaluate(() => (window as unknown as TestWindow).serviceWorkerNode.call({ op: 'watchPeers' }))
  await expect.poll(async () => peersOf(await reportOf(a.page)), { timeout: 10_000 }).toEqual([`${tabA} window (self)`, `${tabB} window`, `${sw} service-worker`].sort())
  await expect.poll(async () => peersOf(await serviceWorkerReport(a.page)), { timeout: 10_000 }).toEqual([`${tabA} window`, `${tabB} window`, `${sw} service-worker (self)`].sort())

  // Both send at once, 10 events per task, so each side gets several messages.
  await Promise.all([
    a.page.evaluate(() => (window as unknown as TestWindow).syncNode.burst(100, 10)),
    a.page.evaluate(() => (window as unknown as TestWindow).serviceWorkerNode.call({ op: 'burst', count: 100, perTask: 10 })),
  ])

  const reports = async () => [await reportOf(a.page), await reportOf(b.page), await serviceWorkerReport(a.page)]
  await expect.poll(async () => (await reports()).map((report) => report.total), { timeout: 10_000 }).toEqual([200, 200, 200])
  for (const report of await reports()) {
    // The tab's 100 reached the service worker and the service worker's 100 reached both tabs,
    // each event once (no echo of one's own, no duplicate), in seq order, nothing lost or refused.
    expect(report.counts).toEqual({ [tabA]: 100, [sw]: 100 })
    expect(report.duplicates).toBe(0)
    expect(report.outOfOrder).toEqual([])
    expect(report.stats).toMatchObject({ dropped: 0, gaps: 0, errors: 0 })
    expect(report.errors).toEqual([])
  }
  // The service worker sent 100 and received the tab's 100 over the bus.
  expect((await serviceWorkerReport(a.page)).stats.sent).toBe(100)

  a.check()
  b.check()
  checkServiceWorkers()
})
