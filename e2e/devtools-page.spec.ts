// The standalone devtools page served by the Vite plugin (crossbus/vite) at /__crossbus/: it sees
// the traffic and history of app tabs it never touched, lists their bus, and keeps its filter in
// the URL. The test starts its own dev server (127.0.0.1, a free port) with the plugin, and stops it.
import { fileURLToPath } from 'node:url'
import { expect, test, type Page } from '@playwright/test'
import { createServer, type ViteDevServer } from 'vite'
import { crossbusDevtools } from '../devtools/vite-plugin'
import { uniqueName } from './support/tabs'
import { watchPage } from './support/watch-page'

const root = fileURLToPath(new URL('..', import.meta.url))
let server: ViteDevServer
let baseURL: string

test.beforeAll(async () => {
  server = await createServer({
    configFile: `${root}e2e/vite.config.ts`,
    // A cache of its own per run's port, as e2e/vite.config.ts has: two runs in one work tree never
    // pre-bundle into (and empty) the same directory.
    cacheDir: `node_modules/.vite/e2e-devtools-${process.env.E2E_PORT || 5179}`,
    logLevel: 'error',
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
    plugins: [crossbusDevtools({ entry: '/devtools/index.ts', buses: ['listed-by-config'] })],
  })
  await server.listen()
  const address = server.httpServer!.address()
  if (typeof address !== 'object' || address === null) throw new Error('the dev server has no port')
  baseURL = `http://127.0.0.1:${address.port}`
})

test.afterAll(async () => {
  await server?.close()
})

declare global {
  interface Window {
    appBus?: import('../src/index').Bus
  }
}

async function openAppTab(page: Page, name: string): Promise<() => void> {
  const check = watchPage(page)
  await page.goto(`${baseURL}/e2e/fixtures/blank.html`)
  await page.evaluate(
    async ([url, busName]) => {
      const { createBus }: typeof import('../src/index') = await import(url)
      window.appBus = createBus({ name: busName, replay: {} })
    },
    ['/src/index.ts', name] as const,
  )
  return check
}

function rows(page: Page): Promise<string[][]> {
  return page.evaluate(() => {
    const root = document.querySelector('[data-crossbus-devtools]')?.shadowRoot
    return [...(root?.querySelectorAll<HTMLElement>('.row') ?? [])].filter((row) => !row.hidden).map((row) => [...row.children].map((cell) => cell.textContent ?? ''))
  })
}

test('the page at /__crossbus/ sees two app tabs it never touched: live events, history, and the bus in its list', async ({ context }) => {
  test.setTimeout(90_000)
  const name = uniqueName('dt-page')
  const [a, b, devtools] = [await context.newPage(), await context.newPage(), await context.newPage()]
  const checks = [await openAppTab(a, name), await openAppTab(b, name), watchPage(devtools)]
  // Sent before the page opens: only history can show it.
  await a.evaluate(async () => {
    window.appBus!.send('orders', 'order.created', '/orders/early', { total: 1 })
    await window.appBus!.flush()
  })

  await devtools.goto(`${baseURL}/__crossbus/?bus=${encodeURIComponent(name)}&system=orders.**`, { timeout: 60_000 })
  await expect(devtools.getByTestId('panel')).toBeVisible({ timeout: 30_000 })
  await expect(devtools.getByTestId('bus-list').locator(`[data-bus="${name}"]`)).toBeVisible()
  await expect(devtools.getByTestId('bus-list').locator('[data-bus="listed-by-config"]')).toBeVisible()
  // Both tabs are known (so their rows get labels) before they send.
  await devtools.getByTestId('tab-contexts').click()
  await expect(devtools.getByTestId('context')).toHaveCount(3)
  const labelOf = async (tab: Page) => {
    const origin = await tab.evaluate(() => window.appBus!.origin)
    return devtools.locator(`[data-testid="context"][data-origin="${origin}"] td`).first().textContent()
  }
  const [labelA, labelB] = [await labelOf(a), await labelOf(b)]
  // From each context's identity (its kind and the start of its id), not the order the page met them.
  const originA = await a.evaluate(() => window.appBus!.origin)
  const originB = await b.evaluate(() => window.appBus!.origin)
  expect([labelA, labelB]).toEqual([`tab ${originA.slice(0, 4)}`, `tab ${originB.slice(0, 4)}`])
  await devtools.getByTestId('tab-events').click()
  // The history was loaded on open: what tab a sent before the page opened is there, as replayed.
  await expect.poll(async () => (await rows(devtools)).map((row) => [row[1], row[4]])).toContainEqual(['replayed', '/orders/early'])

  await a.evaluate(() => void window.appBus!.send('orders', 'order.created', '/orders/a'))
  await b.evaluate(() => void window.appBus!.send('orders.eu', 'order.paid', '/orders/b'))
  await b.evaluate(() => void window.appBus!.send('cart', 'item.added', '/cart/b'))
  // The filter came from the URL: the cart event is held out.
  await expect(devtools.getByTestId('filter-system')).toHaveValue('orders.**')
  await expect.poll(async () => (await rows(devtools)).map((row) => [row[1], row[4], row[5]])).toEqual([
    ['replayed', '/orders/early', labelA],
    ['received', '/orders/a', labelA],
    ['received', '/orders/b', labelB],
  ])
  // Loading it again adds nothing twice.
  await devtools.getByTestId('history').click()
  await expect(devtools.getByTestId('events-status')).toContainText('0 events loaded from history')

  // Changing the filter rewrites the URL, so a reload shows the same rows.
  await devtools.getByTestId('filter-system').fill('cart')
  await expect.poll(() => new URL(devtools.url()).searchParams.get('system')).toBe('cart')
  expect(new URL(devtools.url()).searchParams.get('bus')).toBe(name)
  await expect.poll(async () => (await rows(devtools)).map((row) => row[4])).toEqual(['/cart/b'])
  // The page sent nothing on the bus: it only watches.
  expect(await devtools.evaluate(() => document.title)).toBe('crossbus devtools')
  for (const check of checks) check()
})

test('a history database with no bus name ("crossbus-replay:") is no bus: the page lists the real ones and throws nothing', async ({ context }) => {
  const name = uniqueName('dt-page-nameless')
  const [app, devtools] = [await context.newPage(), await context.newPage()]
  const checks = [await openAppTab(app, name), watchPage(devtools)]
  await app.evaluate(async () => {
    // What any script of the origin can do; the app's own bus keeps history under its name.
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.open('crossbus-replay:')
      request.onsuccess = () => {
        request.result.close()
        resolve()
      }
      request.onerror = () => reject(request.error)
    })
    window.appBus!.send('orders', 'order.created', '/orders/1')
    await window.appBus!.flush()
  })
  await devtools.goto(`${baseURL}/__crossbus/`, { timeout: 60_000 })
  const list = devtools.getByTestId('bus-list')
  await expect(list.locator(`[data-bus="${name}"]`)).toBeVisible({ timeout: 30_000 })
  await expect(list.locator('[data-bus=""]')).toHaveCount(0)
  for (const check of checks) check()
})

test('the dev server lists the bus names it read in the app source and redirects /__crossbus', async () => {
  // Loading a module through the server is what lets the plugin read it.
  await fetch(`${baseURL}/e2e/fixtures/devtools/named-bus.ts`)
  const names = (await (await fetch(`${baseURL}/__crossbus/names.json`)).json()) as string[]
  expect(names).toEqual(expect.arrayContaining(['listed-by-config', 'warehouse']))
  const redirect = await fetch(`${baseURL}/__crossbus?bus=x`, { redirect: 'manual' })
  expect([redirect.status, redirect.headers.get('location')]).toEqual([302, '/__crossbus/?bus=x'])
})

test('the landing page is styled like the panel and lists each bus with its context count apart from its name', async ({ context }) => {
  test.setTimeout(90_000)
  const name = uniqueName('dt-landing')
  const [a, b, devtools] = [await context.newPage(), await context.newPage(), await context.newPage()]
  const checks = [await openAppTab(a, name), await openAppTab(b, name), watchPage(devtools)]
  await a.evaluate(() => window.appBus!.flush())
  await devtools.goto(`${baseURL}/__crossbus/`, { timeout: 60_000 })
  const entry = devtools.getByTestId('bus-list').locator(`[data-bus="${name}"]`)
  await expect(entry).toBeVisible({ timeout: 30_000 })
  await expect(entry.getByTestId('bus-label')).toHaveText(name)
  await expect(entry.getByTestId('bus-count')).toHaveText('2 contexts', { timeout: 30_000 })
  // Name and count sit apart on the line, not run together ("shop2").
  const [label, count] = [(await entry.getByTestId('bus-label').boundingBox())!, (await entry.getByTestId('bus-count').boundingBox())!]
  expect(count.x).toBeGreaterThan(label.x + label.width)
  // The panel's frame and colours: its stylesheet in a shadow root, the bar with the title.
  const look = await devtools.evaluate(() => {
    const root = document.querySelector('[data-crossbus-devtools]')!.shadowRoot!
    const bar = root.querySelector<HTMLElement>('.bar')!
    return { title: bar.textContent, font: getComputedStyle(bar).fontFamily, sidebar: getComputedStyle(root.querySelector('.sidebar')!).borderRightStyle }
  })
  expect(look.title).toBe('crossbus devtools')
  expect(look.font).toContain('monospace')
  expect(look.sidebar).toBe('solid')
  await devtools.setViewportSize({ width: 1000, height: 560 })
  await devtools.screenshot({ path: 'docs/devtools-landing.png' })
  // Choosing the bus opens it.
  await entry.click()
  await expect(devtools.getByTestId('panel')).toBeVisible({ timeout: 30_000 })
  expect(new URL(devtools.url()).searchParams.get('bus')).toBe(name)
  for (const check of checks) check()
})

test('the standalone page and an in-page panel give each context the same label', async ({ context }) => {
  test.setTimeout(90_000)
  const name = uniqueName('dt-page-labels')
  const [a, b, devtools] = [await context.newPage(), await context.newPage(), await context.newPage()]
  const checks = [await openAppTab(a, name), await openAppTab(b, name), watchPage(devtools)]
  await a.evaluate(async () => {
    const { mountDevtools }: typeof import('../devtools/index') = await import('/devtools/index.ts' as string)
    await mountDevtools(window.appBus!, { open: true }).ready
  })
  await devtools.goto(`${baseURL}/__crossbus/?bus=${encodeURIComponent(name)}`, { timeout: 60_000 })
  await expect(devtools.getByTestId('panel')).toBeVisible({ timeout: 30_000 })
  for (const viewer of [a, devtools]) {
    await viewer.getByTestId('tab-contexts').click()
    await expect(viewer.getByTestId('context')).toHaveCount(3)
  }
  const labels = (viewer: Page) =>
    viewer.getByTestId('context').evaluateAll((rows) => Object.fromEntries(rows.map((row) => [row.getAttribute('data-origin')!, row.querySelector('td')!.textContent!.replace(' (here)', '')])))
  const [inPage, standalone] = [await labels(a), await labels(devtools)]
  expect(inPage).toEqual(standalone)
  const originB = await b.evaluate(() => window.appBus!.origin)
  expect(standalone[originB]).toBe(`tab ${originB.slice(0, 4)}`)
  for (const check of checks) check()
})
