// The Destinations tab of the devtools panel in real Chromium, against a real CloudEvents receiver
// on 127.0.0.1 (e2e/support/cloudevents-receiver.ts): each destination as configured, its live
// status from status$, its dead letters with Retry and Discard acting through the handle, all of
// it as text; and no tab at all for an app that passes no handle.
import { expect, test, type Locator, type Page } from '@playwright/test'
import type { DestinationsPanelApp } from './fixtures/devtools/destinations'
import { isRefusedAnswerLog, useReceiver } from './support/cloudevents-receiver'
import { watchPage } from './support/watch-page'
import { uniqueName } from './support/tabs'

const FIXTURE = '/e2e/fixtures/devtools/destinations.ts'
// Delivery goes through IndexedDB, a leader election and HTTP on a shared 2-core machine: generous
// bounds, never tight timing.
const SLOW = { timeout: 25_000 }
const XSS = '<img src=x onerror="window.xss=1">'

declare global {
  interface Window {
    panelApp?: DestinationsPanelApp
    xss?: number
  }
}

const receiverOf = useReceiver()

/**
 * The blank page with the fixture started, and a check that fails on page errors and console
 * errors, except the line Chromium logs for each answer the receiver refuses on purpose.
 */
async function openApp(page: Page, name: string): Promise<() => void> {
  const check = watchPage(page, undefined, isRefusedAnswerLog)
  await page.goto('/e2e/fixtures/blank.html')
  await page.evaluate(
    async ([url, busName]) => {
      const { startDestinationsPanel }: typeof import('./fixtures/devtools/destinations') = await import(url)
      window.panelApp = await startDestinationsPanel(busName)
    },
    [FIXTURE, name] as const,
  )
  return check
}

async function send(page: Page, system: string, kind: string, paths: readonly string[]): Promise<void> {
  await page.evaluate(([s, k, list]) => list.forEach((path, i) => window.panelApp!.bus.send(s, k, path, { i })), [system, kind, paths] as const)
}

/** A destination's card, and one of its fields by name. */
const card = (page: Page, id: string) => page.getByTestId('destination').and(page.locator(`[data-id="${id}"]`))
const field = (within: Locator, name: string) => within.locator(`[data-field="${name}"]`)
const deadRows = (page: Page, id: string) => card(page, id).getByTestId('dead-letter')

/** Subjects the receiver accepted on one path. */
const acceptedAt = (path: string) => receiverOf().accepted.filter((event) => event.path === path).map((event) => event.subject)

test('the tab lists each destination with its live status; Discard forgets a dead letter, Retry delivers one once the receiver accepts', async ({ page }) => {
  // Three destinations, a receiver and a dozen deliveries: a minute of a loaded 2-core machine.
  test.setTimeout(120_000)
  let strictAccepts = false
  receiverOf().answer = (_events, request) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname
    if (path === '/strict' && !strictAccepts) return { status: 400 }
    if (path === '/flaky') return { status: 503, headers: { 'retry-after': '60' } }
    return { status: 200 }
  }
  const check = await openApp(page, uniqueName('dt-dest'))
  await page.evaluate(async (origin) => {
    const { outbound } = window.panelApp!
    await outbound.add({ id: 'audit', type: 'http', url: `${origin}/audit`, filter: { system: 'orders.**' } })
    await outbound.add({ id: 'strict', type: 'http', url: `${origin}/strict`, mode: 'binary', filter: { kind: 'payment.*' } })
    window.panelApp!.mount()
  }, receiverOf().origin)
  await page.getByTestId('tab-destinations').click()
  await expect(page.getByTestId('destination')).toHaveCount(2)

  // Configuration, as text, in list() order.
  await expect(page.getByTestId('destination').locator('h3')).toHaveText(['audit', 'strict'])
  const configOf = (id: string) => card(page, id).getByTestId('destination-config').locator('[data-field]').allTextContents()
  expect(await configOf('audit')).toEqual(['http', `${receiverOf().origin}/audit`, 'system orders.**', 'structured'])
  expect(await configOf('strict')).toEqual(['http', `${receiverOf().origin}/strict`, 'kind payment.*', 'binary'])

  // Delivered counts rise as the receiver takes events.
  const audit = card(page, 'audit')
  await send(page, 'orders', 'order.created', ['/orders/1', '/orders/2', '/orders/3'])
  await expect(field(audit, 'delivered')).toHaveText('3', SLOW)
  await send(page, 'orders.eu', 'order.paid', ['/orders/4', '/orders/5'])
  await expect(field(audit, 'delivered')).toHaveText('5', SLOW)
  await expect(field(audit, 'pending')).toHaveText('0')
  await expect(field(audit, 'failed')).toHaveText('0')
  await expect(field(audit, 'last-error')).toHaveText('—')
  await expect(field(audit, 'paused')).toHaveText('no')
  expect(acceptedAt('/audit').sort()).toEqual(['/orders/1', '/orders/2', '/orders/3', '/orders/4', '/orders/5'])
  await expect(audit.getByTestId('dead-letters')).toHaveText('none')

  // The receiver refuses both payments (400): two dead letters, with their error and failedAt.
  const strict = card(page, 'strict')
  await send(page, 'payments', 'payment.captured', ['/payments/1', `/payments/${XSS}`])
  await expect(field(strict, 'failed')).toHaveText('2', SLOW)
  await expect(field(strict, 'last-error')).toContainText('DELIVERY_REJECTED')
  await expect(deadRows(page, 'strict')).toHaveCount(2, SLOW)
  await expect(deadRows(page, 'strict').locator('[data-field="path"]')).toHaveText(['/payments/1', `/payments/${XSS}`])
  for (const row of await deadRows(page, 'strict').all()) {
    await expect(row.locator('[data-field="error"]')).toContainText('DELIVERY_REJECTED: ')
    await expect(row.locator('td').first()).toHaveText(/^\d\d:\d\d:\d\d\.\d{3}$/)
  }
  // A path a sender chose is text, never markup.
  expect(await page.evaluate(() => document.querySelector('[data-crossbus-devtools]')!.shadowRoot!.querySelectorAll('img').length)).toBe(0)

  // Discard: that letter is gone from the panel and from the handle; the other stays.
  await deadRows(page, 'strict').filter({ hasText: XSS }).getByTestId('discard').click()
  await expect(deadRows(page, 'strict').locator('[data-field="path"]')).toHaveText(['/payments/1'], SLOW)
  expect(await page.evaluate(() => window.panelApp!.deadPaths('strict'))).toEqual(['/payments/1'])

  // Retry, once the receiver accepts: delivered, and the list is empty.
  strictAccepts = true
  await deadRows(page, 'strict').getByTestId('retry').click()
  await expect.poll(() => acceptedAt('/strict'), SLOW).toEqual(['/payments/1'])
  await expect(strict.getByTestId('dead-letters')).toHaveText('none', SLOW)
  await expect(field(strict, 'delivered')).toHaveText('1', SLOW)
  expect(await page.evaluate(() => window.panelApp!.deadPaths('strict'))).toEqual([])
  // The handle keeps its total of failures and its last error; the tab keeps them too, but says
  // they are resolved (no letter left, delivered since) and no longer marks them as a problem.
  await expect(field(strict, 'failed')).toHaveText('2 (none left: each was retried or discarded; this is the total since the start)', SLOW)
  await expect(field(strict, 'last-error')).toContainText('DELIVERY_REJECTED')
  await expect(field(strict, 'last-error')).toContainText('(resolved: delivered since, no dead letter left)')
  await expect(field(strict, 'failed')).not.toHaveClass(/bad/)
  await expect(field(strict, 'last-error')).not.toHaveClass(/bad/)

  // A destination added while the panel is open appears; a 503 with Retry-After shows when the
  // next attempt is due and the event pending.
  await page.evaluate((origin) => window.panelApp!.outbound.add({ id: 'flaky', type: 'http', url: `${origin}/flaky`, mode: 'batch', batch: { maxEvents: 10, maxDelayMs: 0 }, filter: { system: 'stock' } }), receiverOf().origin)
  const flaky = card(page, 'flaky')
  await expect(flaky.getByTestId('destination-config').locator('[data-field="mode"]')).toHaveText('batch (up to 10 events, 0 ms)', SLOW)
  await send(page, 'stock', 'stock.low', ['/sku/1'])
  await expect(field(flaky, 'last-error')).toContainText('DELIVERY_FAILED', SLOW)
  await expect(field(flaky, 'pending')).toHaveText('1')
  const nextRetry = (await field(flaky, 'next-retry').textContent()) ?? ''
  const seconds = Number(/^\d\d:\d\d:\d\d\.\d{3} \(in (\d+) s\)$/.exec(nextRetry)?.[1])
  // Retry-After: 60, read a moment later on a busy machine.
  expect(seconds).toBeGreaterThan(30)
  expect(seconds).toBeLessThanOrEqual(60)
  expect(await page.evaluate(() => window.xss)).toBeUndefined()
  check()
})

test('without the handle there is no destinations tab; a wrong handle is refused by name and mounts nothing', async ({ page }) => {
  const check = await openApp(page, uniqueName('dt-dest-none'))
  // Something else than the handle (a list function alone) is refused before anything is mounted.
  const refused = await page.evaluate(() => window.panelApp!.tryMount({ destinations: { list: () => [] } }))
  expect(refused).toBe('INVALID_ARGUMENT: mountDevtools: `destinations` must be what destinations(bus) returned (with list, deadLetters and status$).')
  expect(await page.locator('[data-crossbus-devtools]').count()).toBe(0)

  await page.evaluate(() => window.panelApp!.mount(false))
  await expect(page.getByTestId('panel')).toBeVisible()
  await expect(page.getByTestId('tab-errors')).toBeVisible()
  await expect(page.getByTestId('tab-destinations')).toHaveCount(0)
  await expect(page.getByTestId('destinations')).toHaveCount(0)
  check()
})
