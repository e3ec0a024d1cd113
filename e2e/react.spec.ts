// crossbus/react in real Chromium: real components (e2e/fixtures/react/app.tsx) mounted,
// re-rendered and unmounted through `window.reactHarness`, with assertions on the DOM and on
// `bus.stats()`. Every harness call that renders resolves once React ran that render's effects.
import { expect, test, type Page } from '@playwright/test'
import { watchPage } from './support/watch-page'
import type { MountOptions, ProbeProps } from './fixtures/react/app'

const mount = (page: Page, props: ProbeProps, options: MountOptions = {}) =>
  page.evaluate(([p, o]) => window.reactHarness.mount(p, o), [props, options] as const)
const render = (page: Page, props: ProbeProps) => page.evaluate((p) => window.reactHarness.render(p), props)
const burst = (page: Page, system: 'cart' | 'orders', count: number, from = 1) =>
  page.evaluate(([s, c, f]) => window.reactHarness.burst(s, c, f), [system, count, from] as const)
const state = (page: Page) => page.evaluate(() => window.reactHarness.state())

let checkPage: () => void

test.beforeEach(async ({ page }) => {
  checkPage = watchPage(page)
  await page.goto('/e2e/fixtures/react/index.html')
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'true')
})

test.afterEach(() => checkPage())

test('mount subscribes, an event updates every hook, unmount leaves the subscription count where it was', async ({ page }) => {
  await page.evaluate(() => window.reactHarness.holdUnrelated())
  expect((await state(page)).subscriptions).toBe(1)

  await mount(page, { pattern: 'cart', label: 'a' })
  // useEvents, useLatestEvent, useEvent and the typed useEvents: one subscription each, plus the unrelated one.
  expect((await state(page)).subscriptions).toBe(5)
  await expect(page.getByTestId('latest')).toHaveText('none')

  await burst(page, 'cart', 1)
  await expect(page.getByTestId('count')).toHaveText('1')
  await expect(page.getByTestId('latest')).toHaveText('/cart/1')
  await expect(page.getByTestId('added')).toHaveText('1')
  expect((await state(page)).handlerLog).toEqual(['a:/cart/1'])

  await page.evaluate(() => window.reactHarness.unmount())
  await expect.poll(async () => (await state(page)).subscriptions).toBe(1)
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

test('a new handler is used without resubscribing; a new pattern or kind resubscribes', async ({ page }) => {
  await mount(page, { pattern: 'cart', label: 'a' })
  const afterMount = (await state(page)).subscribeCalls

  await render(page, { pattern: 'cart', label: 'b' })
  expect((await state(page)).subscribeCalls).toBe(afterMount)
  await burst(page, 'cart', 1)
  await expect(page.getByTestId('count')).toHaveText('1')
  expect((await state(page)).handlerLog).toEqual(['b:/cart/1'])

  // Pattern change: the three pattern-driven hooks resubscribe and start over.
  await render(page, { pattern: 'orders', label: 'b' })
  expect((await state(page)).subscribeCalls).toBe(afterMount + 3)
  await expect(page.getByTestId('count')).toHaveText('0')
  await burst(page, 'cart', 1, 2)
  await burst(page, 'orders', 2)
  await expect(page.getByTestId('paths')).toHaveText('/orders/1 /orders/2')
  expect((await state(page)).handlerLog).toEqual(['b:/cart/1', 'b:/orders/1', 'b:/orders/2'])

  // Kind change: same again.
  await render(page, { pattern: '**', kind: 'item.added', label: 'c' })
  expect((await state(page)).subscribeCalls).toBe(afterMount + 6)
  await burst(page, 'orders', 1, 3)
  await burst(page, 'cart', 1, 3)
  await expect(page.getByTestId('paths')).toHaveText('/cart/3')
  expect((await state(page)).handlerLog.at(-1)).toBe('c:/cart/3')
  // Old subscriptions were closed, not left behind.
  expect((await state(page)).subscriptions).toBe(4)
})

test('under StrictMode, effects run twice but each event is handled once and nothing leaks', async ({ page }) => {
  await mount(page, { pattern: 'cart', label: 'a' }, { strict: true })
  expect((await state(page)).subscriptions).toBe(4)
  await burst(page, 'cart', 3)
  await expect(page.getByTestId('count')).toHaveText('3')
  expect((await state(page)).handlerLog).toEqual(['a:/cart/1', 'a:/cart/2', 'a:/cart/3'])

  await render(page, { pattern: 'orders', label: 'b' })
  expect((await state(page)).subscriptions).toBe(4)
  await burst(page, 'orders', 1)
  await expect(page.getByTestId('paths')).toHaveText('/orders/1')
  expect((await state(page)).handlerLog.at(-1)).toBe('b:/orders/1')

  await page.evaluate(() => window.reactHarness.unmount())
  await expect.poll(async () => (await state(page)).subscriptions).toBe(0)
})

test('useSend is stable across renders and a scoped handle refuses what its policy denies', async ({ page }) => {
  await mount(page, { pattern: 'orders', label: 'a' }, { scopedToCart: true })
  await render(page, { pattern: 'orders', label: 'b' })
  await render(page, { pattern: 'orders', label: 'c' })

  await page.getByRole('button', { name: 'place order' }).click()
  await expect(page.getByTestId('outcome')).toHaveText('BusError POLICY_DENIED')
  // Nothing was delivered: not to the components, not to the unscoped bus.
  await page.getByRole('button', { name: 'add tea' }).click()
  await expect(page.getByTestId('outcome')).toHaveText('added')
  await expect(page.getByTestId('added')).toHaveText('tea')
  await expect(page.getByTestId('count')).toHaveText('0')
  expect((await state(page)).handlerLog).toEqual([])
  expect((await state(page)).sendIdentities).toBe(1)
})
