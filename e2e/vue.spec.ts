// crossbus/vue in real Chromium: real components (e2e/fixtures/vue/app.ts) mounted, updated
// and unmounted through `window.vueHarness`, with assertions on the DOM and on `bus.stats()`.
import { expect, test, type Page } from '@playwright/test'
import { watchPage } from './support/watch-page'
import type { MountOptions, ProbeProps } from './fixtures/vue/app'

const mount = (page: Page, props: ProbeProps, options: MountOptions = {}) =>
  page.evaluate(([p, o]) => window.vueHarness.mount(p, o), [props, options] as const)
const update = (page: Page, props: Partial<ProbeProps>) => page.evaluate((p) => window.vueHarness.update(p), props)
const burst = (page: Page, system: 'cart' | 'orders', count: number, from = 1) =>
  page.evaluate(([s, c, f]) => window.vueHarness.burst(s, c, f), [system, count, from] as const)
const state = (page: Page) => page.evaluate(() => window.vueHarness.state())

let checkPage: () => void

test.beforeEach(async ({ page }) => {
  checkPage = watchPage(page, (text) => text.startsWith('[Vue warn]'))
  await page.goto('/e2e/fixtures/vue/index.html')
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true')
})

test.afterEach(() => checkPage())

test('mount subscribes, an event updates every composable, unmount leaves the subscription count where it was', async ({ page }) => {
  await page.evaluate(() => window.vueHarness.holdUnrelated())
  await mount(page, { pattern: 'cart', label: 'a' })
  // useEvents, useLatestEvent, useEvent and the typed useEvents, plus the unrelated one.
  expect((await state(page)).subscriptions).toBe(5)
  await expect(page.getByTestId('latest')).toHaveText('none')

  await burst(page, 'cart', 1)
  await expect(page.getByTestId('count')).toHaveText('1')
  await expect(page.getByTestId('latest')).toHaveText('/cart/1')
  await expect(page.getByTestId('added')).toHaveText('1')
  expect((await state(page)).handlerLog).toEqual(['a:/cart/1'])

  await page.evaluate(() => window.vueHarness.unmount())
  expect((await state(page)).subscriptions).toBe(1)
})

test('a burst of 100 events in one tick gives all 100, in order', async ({ page }) => {
  await mount(page, { pattern: 'cart', label: 'a', limit: 500 })
  await burst(page, 'cart', 100)
  await expect(page.getByTestId('count')).toHaveText('100')
  const expected = Array.from({ length: 100 }, (_, i) => `/cart/${i + 1}`)
  await expect(page.getByTestId('paths')).toHaveText(expected.join(' '))
  await expect(page.getByTestId('latest')).toHaveText('/cart/100')
  expect((await state(page)).handlerLog).toEqual(expected.map((path) => `a:${path}`))
})

test('limit keeps only the latest events', async ({ page }) => {
  await mount(page, { pattern: 'cart', label: 'a', limit: 3 })
  await burst(page, 'cart', 250)
  await expect(page.getByTestId('paths')).toHaveText('/cart/248 /cart/249 /cart/250')
})

test('a pattern (ref or getter) or kind change resubscribes and closes the old subscription', async ({ page }) => {
  await mount(page, { pattern: 'cart', label: 'a' })
  const afterMount = (await state(page)).subscribeCalls
  await burst(page, 'cart', 1)
  await expect(page.getByTestId('count')).toHaveText('1')

  await update(page, { pattern: 'orders' })
  expect((await state(page)).subscribeCalls).toBe(afterMount + 3)
  await expect(page.getByTestId('count')).toHaveText('0')
  await burst(page, 'cart', 1, 2)
  await burst(page, 'orders', 2)
  await expect(page.getByTestId('paths')).toHaveText('/orders/1 /orders/2')
  await expect(page.getByTestId('latest')).toHaveText('/orders/2')
  expect((await state(page)).handlerLog).toEqual(['a:/cart/1', 'a:/orders/1', 'a:/orders/2'])

  await update(page, { pattern: '**', kind: 'item.added' })
  await burst(page, 'orders', 1, 3)
  await burst(page, 'cart', 1, 3)
  await expect(page.getByTestId('paths')).toHaveText('/cart/3')
  expect((await state(page)).handlerLog.at(-1)).toBe('a:/cart/3')
  expect((await state(page)).subscriptions).toBe(4)

  await page.evaluate(() => window.vueHarness.unmount())
  expect((await state(page)).subscriptions).toBe(0)
})

test('a scoped handle refuses what its policy denies and delivers nothing', async ({ page }) => {
  await mount(page, { pattern: 'orders', label: 'a' }, { scopedToCart: true })
  await page.getByRole('button', { name: 'place order' }).click()
  await expect(page.getByTestId('outcome')).toHaveText('BusError POLICY_DENIED')
  await page.getByRole('button', { name: 'add tea' }).click()
  await expect(page.getByTestId('outcome')).toHaveText('added')
  await expect(page.getByTestId('added')).toHaveText('tea')
  await expect(page.getByTestId('count')).toHaveText('0')
  expect((await state(page)).handlerLog).toEqual([])
})
