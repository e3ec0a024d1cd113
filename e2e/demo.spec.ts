// The demo shop (demo/, `npm run demo`), served as `npm run demo` serves it: by its own Vite
// config (demo/vite.config.ts) on a port of its own, so what that config does or forgets (Vue's
// feature flags, say) shows here. Two tabs of one browser profile share the cart through
// cross-tab sync, and a reloaded tab rebuilds it from replay. Every micro-frontend is checked: the
// React catalog, the Vue cart, the header in its iframe, and the inventory worker (the stock it
// lists); and the page itself: no warning, a phone-sized layout, icons that need no emoji font.
import { fileURLToPath } from 'node:url'
import { expect, test, type Page } from '@playwright/test'
import { createServer, type ViteDevServer } from 'vite'

let demo: ViteDevServer
let shopUrl: string

test.beforeAll(async () => {
  demo = await createServer({
    configFile: fileURLToPath(new URL('../demo/vite.config.ts', import.meta.url)),
    // A cache of its own per run's port, so `npm run demo` or another run never races with it.
    cacheDir: fileURLToPath(new URL(`../node_modules/.vite/demo-e2e-${process.env.E2E_PORT || 5179}`, import.meta.url)),
    logLevel: 'warn',
    clearScreen: false,
    // Any free port; no HMR, so an edit elsewhere during the run never reloads a test page.
    server: { port: 0, strictPort: true, hmr: false },
  })
  await demo.listen()
  shopUrl = demo.resolvedUrls!.local[0]!
})

test.afterAll(async () => {
  await demo?.close()
})

/** Fails the test on any page error, and on any console error or warning, of the page or its header frame. */
function watchConsole(page: Page): () => void {
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console.${message.type()}: ${message.text()}`)
  })
  return () => expect(problems).toEqual([])
}

async function openShop(page: Page): Promise<void> {
  await page.goto(shopUrl)
  // The worker has listed the catalog, and the header is up.
  await expect(page.locator('.product')).toHaveCount(6)
  await expect(badge(page)).toHaveText('0')
}

const header = (page: Page) => page.frameLocator('iframe.header')
const badge = (page: Page) => header(page).getByTestId('badge')
const product = (page: Page, sku: string) => page.locator(`.product[data-sku="${sku}"]`)
const cartLine = (page: Page, sku: string) => page.locator(`.line[data-sku="${sku}"]`)

test('adding to the cart in one tab updates the other, and a reloaded tab catches up from replay', async ({ context }) => {
  // Three loads of the whole shop (two tabs and a reload), each with its frame and worker, and the
  // first test of the file also waits for the demo server's first start: more time on a busy machine.
  test.slow()
  const tab1 = await context.newPage()
  const tab2 = await context.newPage()
  const checks = [watchConsole(tab1), watchConsole(tab2)]
  await openShop(tab1)
  await openShop(tab2)
  await expect(product(tab1, 'espresso')).toContainText('8 left')
  await expect(tab2.getByTestId('cart-empty')).toBeVisible()
  // Both tabs see each other before anything is sent.
  await expect(header(tab1).locator('#peers')).toContainText('2 tabs')

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

test('the shop logs no warning or error, Vue feature-flag warnings included', async ({ page }) => {
  const check = watchConsole(page)
  await openShop(page)
  await page.getByRole('button', { name: 'Add Dark chocolate' }).click()
  await expect(cartLine(page, 'chocolate')).toContainText('× 1')
  await page.getByRole('button', { name: 'Empty cart' }).click()
  await expect(page.getByTestId('cart-empty')).toBeVisible()
  check()
})

for (const { name, width, height } of [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 800 },
]) {
  test(`at ${width} px (${name}) the header stays on one line and nothing overflows sideways`, async ({ page }, testInfo) => {
    await page.setViewportSize({ width, height })
    await openShop(page)
    await page.getByRole('button', { name: 'Add Ceremonial matcha' }).click()
    await expect(badge(page)).toHaveText('1')
    await expect(header(page).locator('#peers')).toContainText('1 tab')

    // Taken first, so that a failing layout leaves its picture in the test's output.
    await page.screenshot({ path: testInfo.outputPath(`demo-${width}.png`), fullPage: true })

    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width)
    const frame = page.frame({ url: /header\/index\.html/ })!
    const bar = await frame.evaluate(() => {
      const bar = document.querySelector<HTMLElement>('.bar')!
      const lineHeight = parseFloat(getComputedStyle(bar).lineHeight)
      return {
        frameWidth: document.documentElement.clientWidth,
        scrollWidth: document.documentElement.scrollWidth,
        frameHeight: innerHeight,
        scrollHeight: document.documentElement.scrollHeight,
        lineHeight,
        // Each item on one line (a wrapped one is taller), fully inside the bar.
        items: [...bar.children].map((item) => {
          const box = item.getBoundingClientRect()
          return { item: item.className, top: box.top, bottom: box.bottom, height: box.height }
        }),
      }
    })
    expect(bar.scrollWidth).toBeLessThanOrEqual(bar.frameWidth)
    expect(bar.scrollHeight).toBeLessThanOrEqual(bar.frameHeight)
    for (const item of bar.items) {
      expect(item.height, `${item.item} on one line`).toBeLessThan(1.5 * bar.lineHeight + 8)
      expect(item.top, `${item.item} inside the header`).toBeGreaterThanOrEqual(0)
      expect(item.bottom, `${item.item} inside the header`).toBeLessThanOrEqual(bar.frameHeight)
    }
  })
}

test("the footer's link goes to the README, which the demo server serves", async ({ page }) => {
  await openShop(page)
  const link = page.locator('footer a')
  await expect(link).toHaveAttribute('href', /README\.md/)
  const readme = await page.request.get(new URL((await link.getAttribute('href'))!, page.url()).href)
  expect(readme.status()).toBe(200)
  expect(await readme.text()).toContain('## Demo')
})

test('product and header icons are inline SVG, not emoji (which need a font that may not be there)', async ({ page }) => {
  await openShop(page)
  for (const item of await page.locator('.product').all()) {
    const icon = item.locator('svg.icon')
    await expect(icon).toHaveCount(1)
    const box = (await icon.boundingBox())!
    expect(box.width).toBeGreaterThan(16)
  }
  await expect(header(page).locator('svg.icon')).toHaveCount(2)
  const emoji = /\p{Extended_Pictographic}/u
  expect(await page.locator('body').innerText()).not.toMatch(emoji)
  expect(await header(page).locator('body').innerText()).not.toMatch(emoji)
})

test("the header's Devtools button mounts the panel in the page, showing the shop's events, and hides it again", async ({ page }) => {
  const check = watchConsole(page)
  await openShop(page)
  await header(page).getByRole('button', { name: 'Devtools' }).click()
  // The panel lives in a shadow root of its own host element.
  const hosts = () => page.evaluate(() => [...document.body.children].filter((element) => element.shadowRoot).length)
  await expect.poll(hosts).toBe(1)
  await page.getByRole('button', { name: 'Add Wildflower honey' }).click()
  await expect(cartLine(page, 'honey')).toContainText('× 1')
  await expect.poll(() => page.evaluate(() => [...document.body.children].find((element) => element.shadowRoot)!.shadowRoot!.textContent ?? '')).toContain('item.added')
  await header(page).getByRole('button', { name: 'Devtools' }).click()
  await expect.poll(hosts).toBe(0)
  check()
})
