// The crossbus DevTools extension (devtools/extension/), built from source and loaded unpacked into
// Chromium: its panel page (panel.html?tab=<id>, as the pop-out opens it) finds the buses of an app
// that imports nothing of the devtools, shows their history and the live events of every context,
// keeps hostile data as text, and leaves a page without a bus untouched. Saves docs/devtools-extension.png.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, expect, test, type BrowserContext, type Page, type Worker } from '@playwright/test'
import { buildExtension } from '../scripts/build-extension.mjs'
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs'
import { uniqueName } from './support/tabs'
import { watchPage } from './support/watch-page'

const baseURL = `http://127.0.0.1:${Number(process.env.E2E_PORT || 5179)}`
const XSS = '<img src=x onerror="window.pwned=1">'
let context: BrowserContext
let serviceWorker: Worker
let extensionDir: string
let profileDir: string

test.beforeAll(async () => {
  test.setTimeout(120_000)
  extensionDir = mkdtempSync(join(tmpdir(), 'crossbus-extension-'))
  profileDir = mkdtempSync(join(tmpdir(), 'crossbus-profile-'))
  await buildExtension(extensionDir)
  context = await chromium.launchPersistentContext(profileDir, {
    headless: true,
    executablePath: chromiumPath,
    args: ['--headless=new', `--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`, ...chromiumArgs],
  })
  serviceWorker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'))
})

test.afterAll(async () => {
  await context?.close()
  for (const dir of [extensionDir, profileDir]) if (dir) rmSync(dir, { recursive: true, force: true })
})

declare global {
  interface Window {
    extensionApp: import('./fixtures/extension/app').App
    observed: { channels: number; posts: number; events: string[] }
    pwned?: number
  }
}

/** The tab ids the browser has now, asked of the extension's service worker. */
function tabIds(): Promise<number[]> {
  return serviceWorker.evaluate(async () => (await chrome.tabs.query({})).map((tab) => tab.id!))
}

/** A new tab at `url`, and its id (the tab that was not there before: the extension may not read tabs' URLs). */
async function openTab(url: string): Promise<{ page: Page; tabId: number; check: () => void }> {
  const before = new Set(await tabIds())
  const page = await context.newPage()
  const check = watchPage(page)
  await page.goto(`${baseURL}${url}`)
  const fresh = (await tabIds()).filter((id) => !before.has(id))
  expect(fresh).toHaveLength(1)
  return { page, tabId: fresh[0]!, check }
}

async function openPanel(tabId: number): Promise<{ panel: Page; check: () => void }> {
  const panel = await context.newPage()
  const check = watchPage(panel)
  const extensionId = new URL(serviceWorker.url()).host
  await panel.goto(`chrome-extension://${extensionId}/panel.html?tab=${tabId}`)
  return { panel, check }
}

/** The rows of the panel's table: each row's cells' text. */
function rows(panel: Page): Promise<string[][]> {
  return panel.evaluate(() => {
    const root = document.querySelector('[data-crossbus-devtools]')?.shadowRoot
    return [...(root?.querySelectorAll<HTMLElement>('.row') ?? [])].filter((row) => !row.hidden).map((row) => [...row.children].map((cell) => cell.textContent ?? ''))
  })
}

const rowWith = (panel: Page, path: string) => async () => (await rows(panel)).find((row) => row.includes(path))

test('the panel lists the buses of an app that imports no devtools, with history and the live events of both tabs and a worker', async () => {
  test.setTimeout(90_000)
  const shop = uniqueName('ext-shop')
  const plain = uniqueName('ext-plain')
  const url = `/e2e/fixtures/extension/app.html?shop=${shop}&plain=${plain}`
  const a = await openTab(url)
  const b = await openTab(url)
  await a.page.waitForFunction(() => window.extensionApp !== undefined)
  await b.page.waitForFunction(() => window.extensionApp !== undefined)
  // Sent before any panel opened: only the stored history can show it.
  await a.page.evaluate(async (note) => {
    window.extensionApp.shop.send('orders', 'order.created', '/orders/early', { note })
    await window.extensionApp.shop.flush()
  }, XSS)
  await b.page.evaluate(() => window.extensionApp.startWorker())

  const { panel, check } = await openPanel(a.tabId)
  const list = panel.getByTestId('bus-list')
  await expect(list.locator(`[data-bus="${shop}"]`)).toBeVisible()
  await expect(list.locator(`[data-bus="${plain}"]`)).toBeVisible()
  await expect(panel.getByTestId('panel')).toBeVisible()
  await expect.poll(rowWith(panel, '/orders/early')).toContain('replayed')

  // Live: the inspected tab, the other tab, and the worker (which no content script reaches).
  await a.page.evaluate(() => window.extensionApp.shop.send('orders', 'order.paid', '/orders/here', { total: 3 }))
  await b.page.evaluate(() => window.extensionApp.shop.send('orders', 'order.shipped', '/orders/there', { total: 4 }))
  await b.page.evaluate(() => window.extensionApp.workerSend('/stock/widget'))
  await expect.poll(rowWith(panel, '/orders/here')).toContain('sent')
  await expect.poll(rowWith(panel, '/orders/there')).toContain('received')
  await expect.poll(rowWith(panel, '/stock/widget')).toContain('received')
  // Nothing twice: the early event came from history only.
  expect((await rows(panel)).filter((row) => row.includes('/orders/early'))).toHaveLength(1)

  // The hostile data stays text in the detail.
  await panel.locator('.row', { hasText: '/orders/early' }).click()
  await expect(panel.locator('.detail')).toContainText('<img src=x onerror=')
  expect(await panel.evaluate(() => window.pwned)).toBeUndefined()
  expect(await panel.evaluate(() => document.querySelector('[data-crossbus-devtools]')!.shadowRoot!.querySelectorAll('img').length)).toBe(0)

  // Re-sent through the inspected page's bus: the page's subscriber gets it, the panel says its id.
  await panel.getByTestId('resend').click()
  await expect(panel.getByTestId('resend-result')).toHaveText(/^sent as \S+-\d+$/)
  await expect.poll(() => a.page.evaluate(() => window.extensionApp.received.filter((event) => event.path === '/orders/early').length)).toBe(2)
  // The page answers the panel's history at once but sends live events every 50 ms: the re-sent
  // event is shown live before history is asked again, or history could bring it first.
  await expect.poll(async () => (await rows(panel)).filter((row) => row.includes('/orders/early')).map((row) => row[1])).toEqual(['replayed', 'sent'])

  // The history button asks the page's bus again: what the table shows already is not added twice.
  await panel.getByTestId('history').click()
  await expect(panel.getByTestId('events-status')).toContainText('0 events loaded from history')

  // The contexts tab: the inspected tab's subscription is known without any devtools in the app.
  await panel.getByTestId('tab-contexts').click()
  await expect(panel.getByTestId('context')).toHaveCount(3)
  const inspected = await a.page.evaluate(() => window.extensionApp.shop.origin)
  await expect(panel.locator(`[data-testid="context"][data-origin="${inspected}"]`).getByTestId('subscription')).toHaveText('** × 1')
  // The other tab has no devtools either: its page answers because this panel asked every tab of the origin to.
  const other = await b.page.evaluate(() => window.extensionApp.shop.origin)
  await expect(panel.locator(`[data-testid="context"][data-origin="${other}"]`).getByTestId('subscription')).toHaveText('** × 1')
  await panel.getByTestId('tab-events').click()
  await panel.setViewportSize({ width: 1100, height: 520 })
  await panel.screenshot({ path: 'docs/devtools-extension.png' })

  // The second bus: neither history nor leader, found all the same, and live.
  await list.locator(`[data-bus="${plain}"]`).click()
  await expect(panel.getByTestId('panel')).toContainText(`crossbus · ${plain}`)
  await b.page.evaluate(() => window.extensionApp.plain.send('notes', 'note.added', '/notes/plain'))
  await expect.poll(rowWith(panel, '/notes/plain')).toContain('received')
  expect(await rows(panel)).toHaveLength(1)

  // The app page heard the panel's messages (the counter works), and none of them broke it.
  expect((await a.page.evaluate(() => window.observed.events)).length).toBeGreaterThan(0)
  check()
  a.check()
  b.check()
})

test("the panel follows its tab through a reload: the new page's bus is shown, live", async () => {
  test.setTimeout(120_000)
  const shop = uniqueName('ext-reload')
  const { page, tabId, check: pageCheck } = await openTab(`/e2e/fixtures/extension/app.html?shop=${shop}&plain=${shop}-plain`)
  await page.waitForFunction(() => window.extensionApp !== undefined)
  const { panel, check } = await openPanel(tabId)
  const before = await page.evaluate(() => window.extensionApp.shop.origin)
  await expect(panel.getByTestId('bus-list').locator(`[data-bus="${shop}"]`)).toHaveAttribute('title', `instance ${before}`)
  // Not until `load`: the app's modules from source take a busy machine long; its bus is what counts.
  await page.reload({ waitUntil: 'commit' })
  await page.waitForFunction(() => window.extensionApp !== undefined, undefined, { timeout: 60_000 })
  const after = await page.evaluate(() => window.extensionApp.shop.origin)
  expect(after).not.toBe(before)
  await expect(panel.getByTestId('bus-list').locator(`[data-bus="${shop}"]`)).toHaveAttribute('title', `instance ${after}`)
  await expect(panel.getByTestId('panel')).toContainText(`crossbus · ${shop}`)
  await page.evaluate(() => window.extensionApp.shop.send('orders', 'order.created', '/orders/after-reload'))
  await expect.poll(rowWith(panel, '/orders/after-reload')).toContain('sent')
  check()
  pageCheck()
})

test('a page without a bus: the panel says so, and the page sees no channel, message or event from the extension', async () => {
  const { page, tabId, check: pageCheck } = await openTab('/e2e/fixtures/extension/no-bus.html')
  // The extension's content script ran here: its hook is defined (and createBus would use it).
  expect(await page.evaluate(() => '__CROSSBUS_DEVTOOLS_HOOK__' in window)).toBe(true)
  const { panel, check } = await openPanel(tabId)
  await expect(panel.getByTestId('extension-status')).toHaveAttribute('data-state', 'no-bus')
  await expect(panel.getByTestId('extension-status')).toContainText('No crossbus bus in this tab')
  expect(await page.evaluate(() => window.observed)).toEqual({ channels: 0, posts: 0, events: [] })
  check()
  pageCheck()
})
