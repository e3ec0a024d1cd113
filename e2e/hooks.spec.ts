// crossbus/react and crossbus/vue in real Chromium, one test body for both: real components
// (e2e/fixtures/react/app.tsx, e2e/fixtures/vue/app.ts) mounted, updated and unmounted through
// the same `window.hooksHarness`, with assertions on the DOM and on `bus.stats()`.
import { expect, test, type Page } from '@playwright/test'
import { watchPage } from './support/watch-page'
import type { MountOptions, ProbeProps } from './fixtures/hooks-harness'

const mount = (page: Page, props: ProbeProps, options: MountOptions = {}) =>
  page.evaluate(([p, o]) => window.hooksHarness.mount(p, o), [props, options] as const)
const update = (page: Page, props: Partial<ProbeProps>) => page.evaluate((p) => window.hooksHarness.update(p), props)
const unmount = (page: Page) => page.evaluate(() => window.hooksHarness.unmount())
const burst = (page: Page, system: 'cart' | 'orders', count: number, from = 1) =>
  page.evaluate(([s, c, f]) => window.hooksHarness.burst(s, c, f), [system, count, from] as const)
const state = (page: Page) => page.evaluate(() => window.hooksHarness.state())
const subscriptions = async (page: Page) => (await state(page)).subscriptions

for (const framework of ['react', 'vue'] as const) {
  test.describe(framework, () => {
    let checkPage: () => void

    test.beforeEach(async ({ page }) => {
      checkPage = watchPage(page, (text) => text.startsWith('[Vue warn]'))
      await page.goto(`/e2e/fixtures/${framework}/index.html`)
      await expect(page.locator('html')).toHaveAttribute('data-ready', 'true')
    })

    test.afterEach(() => checkPage())

    test(`${framework}: mount subscribes, an event updates every hook, unmount leaves the subscription count where it was`, async ({ page }) => {
      await page.evaluate(() => window.hooksHarness.holdUnrelated())
      expect(await subscriptions(page)).toBe(1)

      await mount(page, { pattern: 'cart', label: 'a' })
      // useEvents, useLatestEvent, useEvent and the typed useEvents: one subscription each, plus the unrelated one.
      expect(await subscriptions(page)).toBe(5)
      await expect(page.getByTestId('latest')).toHaveText('none')

      await burst(page, 'cart', 1)
      await expect(page.getByTestId('count')).toHaveText('1')
      await expect(page.getByTestId('latest')).toHaveText('/cart/1')
      await expect(page.getByTestId('added')).toHaveText('1')
      expect((await state(page)).handlerLog).toEqual(['a:/cart/1'])

      await unmount(page)
      await expect.poll(() => subscriptions(page)).toBe(1)
    })

    test(`${framework}: a burst of 100 events in one tick gives all 100, in order`, async ({ page }) => {
      await mount(page, { pattern: 'cart', label: 'a', limit: 500 })
      await burst(page, 'cart', 100)
      await expect(page.getByTestId('count')).toHaveText('100')
      const expected = Array.from({ length: 100 }, (_, i) => `/cart/${i + 1}`)
      await expect(page.getByTestId('paths')).toHaveText(expected.join(' '))
      await expect(page.getByTestId('latest')).toHaveText('/cart/100')
      expect((await state(page)).handlerLog).toEqual(expected.map((path) => `a:${path}`))
    })

    test(`${framework}: limit keeps only the latest events`, async ({ page }) => {
      await mount(page, { pattern: 'cart', label: 'a', limit: 3 })
      await burst(page, 'cart', 250)
      await expect(page.getByTestId('paths')).toHaveText('/cart/248 /cart/249 /cart/250')
    })

    test(`${framework}: a new handler is used without resubscribing; a new pattern or kind resubscribes and closes the old subscription`, async ({ page }) => {
      await mount(page, { pattern: 'cart', label: 'a' })
      const afterMount = (await state(page)).subscribeCalls

      await update(page, { label: 'b' })
      expect((await state(page)).subscribeCalls).toBe(afterMount)
      await burst(page, 'cart', 1)
      await expect(page.getByTestId('count')).toHaveText('1')
      expect((await state(page)).handlerLog).toEqual(['b:/cart/1'])

      // Pattern change (a ref in Vue's probe for one composable, getters for the others): the
      // three pattern-driven hooks resubscribe and start over.
      await update(page, { pattern: 'orders' })
      expect((await state(page)).subscribeCalls).toBe(afterMount + 3)
      await expect(page.getByTestId('count')).toHaveText('0')
      await burst(page, 'cart', 1, 2)
      await burst(page, 'orders', 2)
      await expect(page.getByTestId('paths')).toHaveText('/orders/1 /orders/2')
      await expect(page.getByTestId('latest')).toHaveText('/orders/2')
      expect((await state(page)).handlerLog).toEqual(['b:/cart/1', 'b:/orders/1', 'b:/orders/2'])

      // Kind change alone: the same three resubscribe.
      await update(page, { pattern: '**', label: 'c' })
      const beforeKind = (await state(page)).subscribeCalls
      await update(page, { kind: 'item.added' })
      expect((await state(page)).subscribeCalls).toBe(beforeKind + 3)
      await burst(page, 'orders', 1, 3)
      await burst(page, 'cart', 1, 3)
      await expect(page.getByTestId('paths')).toHaveText('/cart/3')
      expect((await state(page)).handlerLog.at(-1)).toBe('c:/cart/3')

      // Pattern and kind at once: one subscription per hook in the end, the old ones closed. React
      // resubscribes once per hook; Vue twice, as its synchronous watchers (which let an event sent
      // right after a change arrive) see the two props change one after the other.
      const beforeBoth = (await state(page)).subscribeCalls
      await update(page, { pattern: 'orders', kind: 'order.placed' })
      expect((await state(page)).subscribeCalls).toBe(beforeBoth + (framework === 'react' ? 3 : 6))
      await burst(page, 'orders', 1, 4)
      await expect(page.getByTestId('paths')).toHaveText('/orders/4')
      expect(await subscriptions(page)).toBe(4)

      await unmount(page)
      await expect.poll(() => subscriptions(page)).toBe(0)
    })

    test(`${framework}: mounted, unmounted and mounted again (StrictMode in React), each event is handled once and nothing leaks`, async ({ page }) => {
      await mount(page, { pattern: 'cart', label: 'a' }, { strict: true })
      expect(await subscriptions(page)).toBe(4)
      await burst(page, 'cart', 3)
      await expect(page.getByTestId('count')).toHaveText('3')
      expect((await state(page)).handlerLog).toEqual(['a:/cart/1', 'a:/cart/2', 'a:/cart/3'])

      await update(page, { pattern: 'orders', label: 'b' })
      expect(await subscriptions(page)).toBe(4)
      await burst(page, 'orders', 1)
      await expect(page.getByTestId('paths')).toHaveText('/orders/1')
      expect((await state(page)).handlerLog.at(-1)).toBe('b:/orders/1')

      await unmount(page)
      await expect.poll(() => subscriptions(page)).toBe(0)
    })

    test(`${framework}: useSend is stable across renders and a scoped handle refuses what its policy denies`, async ({ page }) => {
      await mount(page, { pattern: 'orders', label: 'a' }, { scopedToCart: true })
      await update(page, { label: 'b' })
      await update(page, { label: 'c' })

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

    test(`${framework}: a provider's inline policy is enforced, and re-rendering with an equal policy keeps the handle: no new scope, no resubscribe, events kept`, async ({ page }) => {
      await mount(page, { pattern: 'cart', label: 'a' }, { inlinePolicy: true })
      const afterMount = await state(page)
      expect(afterMount.scopeCalls).toBe(1)
      await burst(page, 'cart', 2)
      await expect(page.getByTestId('count')).toHaveText('2')

      // Every React render passes a new policy object with the same rules.
      await update(page, { label: 'b' })
      await update(page, { label: 'c' })
      const afterRenders = await state(page)
      expect(afterRenders.scopeCalls).toBe(afterMount.scopeCalls)
      expect(afterRenders.subscribeCalls).toBe(afterMount.subscribeCalls)
      expect(afterRenders.sendIdentities).toBe(1)
      await expect(page.getByTestId('paths')).toHaveText('/cart/1 /cart/2')
      await expect(page.getByTestId('added')).toHaveText('1 2')

      // The policy sends only to the cart.
      await page.getByRole('button', { name: 'place order' }).click()
      await expect(page.getByTestId('outcome')).toHaveText('BusError POLICY_DENIED')
      await page.getByRole('button', { name: 'add tea' }).click()
      await expect(page.getByTestId('outcome')).toHaveText('added')
      await expect(page.getByTestId('paths')).toHaveText('/cart/1 /cart/2 /cart/tea')
      expect((await state(page)).handlerLog).toEqual(['a:/cart/1', 'a:/cart/2', 'c:/cart/tea'])

      await unmount(page)
      await expect.poll(() => subscriptions(page)).toBe(0)
    })
  })
}

// useRequest: the request side of the hooks (fixtures/request/hooks), driven by clicks.
for (const framework of ['react', 'vue'] as const) {
  test(`${framework}: useRequest shows loading, then the reply; a handler's error; unmounting cancels`, async ({ page }) => {
    const checkPage = watchPage(page, (text) => text.startsWith('[Vue warn]'))
    await page.goto(`/e2e/fixtures/request/hooks/${framework}.html`)
    await expect(page.locator('html')).toHaveAttribute('data-ready', 'true')
    await page.evaluate(() => (window as unknown as { mount(): void }).mount())
    await expect(page.getByTestId('total')).toHaveText('none')
    await expect(page.getByTestId('loading')).toHaveText('false')

    // The handler waits for the test: loading shows meanwhile.
    await page.getByTestId('slow').click()
    await expect(page.getByTestId('loading')).toHaveText('true')
    await page.evaluate(() => (window as unknown as { release(): void }).release())
    await expect(page.getByTestId('total')).toHaveText('7')
    await expect(page.getByTestId('loading')).toHaveText('false')
    await expect(page.getByTestId('error')).toHaveText('none')

    // A failure keeps the last reply and says why; the next success clears it.
    await page.getByTestId('fail').click()
    await expect(page.getByTestId('error')).toHaveText('REQUEST_FAILED: a negative item: -1')
    await expect(page.getByTestId('total')).toHaveText('7')
    await page.getByTestId('ask').click()
    await expect(page.getByTestId('total')).toHaveText('5')
    await expect(page.getByTestId('error')).toHaveText('none')

    // Unmounting with a request on its way cancels it: the handler's signal aborts.
    await page.getByTestId('slow').click()
    await expect(page.getByTestId('loading')).toHaveText('true')
    await page.evaluate(() => (window as unknown as { unmount(): void }).unmount())
    await expect.poll(() => page.evaluate(() => (window as unknown as { aborted: number }).aborted)).toBe(1)
    checkPage()
  })
}
