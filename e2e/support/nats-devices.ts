// What the NATS bridge's browser tests share: a real nats-server per test (Debian's, WebSocket on
// 127.0.0.1, see e2e/fixtures/nats/server.mjs), devices (one browser context each, its tabs
// sharing a BroadcastChannel) running e2e/fixtures/nats/device.ts, and waits on what they deliver.
import { expect, test as base, type Browser, type BrowserContext, type Page } from '@playwright/test'
import type { Delivered, DeviceOptions, NatsDevice } from '../fixtures/nats/device'
import { startNatsServer, type NatsTestServer } from '../fixtures/nats/server.mjs'

export const FIXTURE = '/e2e/fixtures/nats/device.ts'
// Fast retries keep the restart tests short; the backoff itself is the client's.
export const RETRY = { initialDelayMs: 100, maxDelayMs: 500 }

declare global {
  interface Window {
    device?: NatsDevice
  }
}

/** Starts a device: a page (a new browser context unless given one) with a bus bridged to NATS. */
export type DeviceFixture = (options: DeviceOptions, page?: Page) => Promise<{ page: Page; check: () => void }>

/** The test with a server (`nats`, JetStream on when `test.use({ jetstream: true })`) and a device opener (`device`). */
export const test = base.extend<{ jetstream: boolean; natsConfig: readonly string[]; nats: NatsTestServer; device: DeviceFixture }>({
  jetstream: [false, { option: true }],
  // More nats-server config lines (`test.use({ natsConfig: [...] })`): users, permissions.
  natsConfig: [[], { option: true }],
  // A server of its own per test, stopped after it.
  nats: async ({ jetstream, natsConfig }, use) => {
    const server = await startNatsServer({ jetstream, config: natsConfig })
    await use(server)
    await server.dispose()
  },
  // Opens a device tab (in a browser context of its own unless a page is given); all closed after the test.
  device: async ({ browser }, use) => {
    const contexts: BrowserContext[] = []
    await use(async (options, page) => {
      if (!page) {
        const context = await browser.newContext()
        contexts.push(context)
        page = await context.newPage()
      }
      return openDevice(options, page)
    })
    await Promise.all(contexts.map((context) => context.close()))
  },
})

// While a server is down, Chromium logs each failed WebSocket attempt as a console error: expected.
const FAILED_WEBSOCKET = /^WebSocket connection to '.*' failed/

/** A check that fails on page errors and console errors, but for failed WebSocket attempts. */
export function watch(page: Page): () => void {
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error' && !FAILED_WEBSOCKET.test(message.text())) problems.push(`console.error: ${message.text()}`)
  })
  return () => expect(problems).toEqual([])
}

/** Starts a device's bridged bus in a tab and waits until it is connected. */
export async function openDevice(options: DeviceOptions, tab: Page): Promise<{ page: Page; check: () => void }> {
  const check = watch(tab)
  await tab.goto('/e2e/fixtures/blank.html')
  await tab.evaluate(
    async ([url, given]) => {
      const { startDevice }: typeof import('../fixtures/nats/device') = await import(url)
      window.device = startDevice(given)
    },
    [FIXTURE, options] as const,
  )
  await tab.evaluate(() => window.device!.bridge.ready)
  expect(await tab.evaluate(() => window.device!.statuses.at(-1))).toBe('connected')
  return { page: tab, check }
}

export const delivered = (page: Page, system: string) => page.evaluate((s) => window.device!.delivered.filter((d) => d.system === s), system)
export const numbers = (list: Delivered[]) => list.map((d) => d.n)
export const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i)

/** Waits until the device delivered `count` events of `system`, then checks they are exactly `expected`, in order. */
export async function expectDelivered(page: Page, system: string, expected: number[], timeout = 20_000): Promise<void> {
  await expect.poll(async () => (await delivered(page, system)).length, { timeout }).toBeGreaterThanOrEqual(expected.length)
  const got = await delivered(page, system)
  expect(numbers(got)).toEqual(expected)
  expect(new Set(got.map((d) => d.id)).size).toBe(got.length)
}

/**
 * Waits until `to` delivered a marker event `from` sends after everything else: whatever was
 * going to come before it (an echo, a loop, a late second copy) has come by then, since NATS
 * keeps each connection's order and a bridge exports in the order it sees events.
 */
export async function settled(from: Page, to: Page): Promise<void> {
  const marker = await from.evaluate(() => {
    const n = 1_000_000 + window.device!.delivered.length
    void window.device!.send('marker', n, 1)
    return n
  })
  await expect.poll(async () => numbers(await delivered(to, 'marker'))).toContain(marker)
}

/** Two tabs of one device (one browser context) bridging, which of them leads, and a remote device. */
export async function twoTabsAndARemote(browser: Browser, device: DeviceFixture, options: DeviceOptions) {
  const context = await browser.newContext()
  const first = await device(options, await context.newPage())
  const second = await device(options, await context.newPage())
  const remote = await device(options)
  await expect.poll(async () => [await first.page.evaluate(() => window.device!.leading), await second.page.evaluate(() => window.device!.leading)]).toContainEqual(true)
  const [leader, standby] = (await first.page.evaluate(() => window.device!.leading)) ? [first, second] : [second, first]
  return { context, leader, standby, remote }
}

