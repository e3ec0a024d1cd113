// The demo shop (demo/, `npm run demo`), served here by the e2e server at /demo/: two tabs of
// one browser profile share the cart through cross-tab sync, and a reloaded tab rebuilds it
// from replay. Every micro-frontend is checked: the React catalog, the Vue cart, the header
// in its iframe, and the inventory worker (the stock it lists).
import { expect, test, type Page } from '@playwright/test'
import { watchPage } from './support/watch-page'

async function openShop(page: Page): Promise<void> {
  await page.goto('/demo/index.html')
  // The worker has listed the catalog, and the header is up.
  await expect(page.locator('.product')).toHaveCount(6)
  await expect(badge(page)).toHaveText('0')
}

const badge = (page: Page) => page.frameLocator('iframe.header').getByTestId('badge')
const product = (page: Page, sku: string) => page.locator(`.product[data-sku="${sku}"]`)
const cartLine = (page: Page, sku: string) => page.locator(`.line[data-sku="${sku}"]`)

test('adding to the cart in one tab updates the other, and a reloaded tab catches up from replay', async ({ context }) => {
  const tab1 = await context.newPage()
  const tab2 = await context.newPage()
  const checks = [watchPage(tab1), watchPage(tab2)]
  await openShop(tab1)
  await openShop(tab2)
  await expect(product(tab1, 'espresso')).toContainText('8 left')
  await expect(tab2.getByTestId('cart-empty')).toBeVisible()
  // Both tabs see each other before anything is sent.
  await expect(tab1.frameLocator('iframe.header').locator('#peers')).toContainText('2 tabs')

  await tab1.getByRole('button', { name: 'Add Espresso beans' }).click()
  await tab1.getByRole('button', { name: 'Add Espresso beans' }).click()
  await tab1.getByRole('button', { name: 'Add Wildflower honey' }).click()

  for (const tab of [tab1, tab2]) {
    await expect(cartLine(tab, 'espresso')).toContainText('× 2')
    await expect(cartLine(tab, 'honey')).toContainText('× 1')
    await expect(tab.getByTestId('cart-total')).toHaveText('$37.00')
    await expect(badge(tab)).toHaveText('3')
    // The inventory worker holds the cart's items.
    await expect(product(tab, 'espresso')).toContainText('6 left')
  }

  // A change from the second tab comes back to the first.
  await tab2.getByRole('button', { name: 'Remove one Espresso beans' }).click()
  await expect(cartLine(tab1, 'espresso')).toContainText('× 1')
  await expect(badge(tab1)).toHaveText('2')

  await tab2.reload()
  await expect(cartLine(tab2, 'espresso')).toContainText('× 1')
  await expect(cartLine(tab2, 'honey')).toContainText('× 1')
  await expect(tab2.getByTestId('cart-total')).toHaveText('$23.00')
  await expect(badge(tab2)).toHaveText('2')
  await expect(product(tab2, 'espresso')).toContainText('7 left')

  // Still in sync after the reload.
  await tab2.getByRole('button', { name: 'Add Butter croissant' }).click()
  await expect(cartLine(tab1, 'croissant')).toContainText('× 1')
  await expect(badge(tab1)).toHaveText('3')

  for (const check of checks) check()
})
