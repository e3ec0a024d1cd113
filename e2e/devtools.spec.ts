// The in-page devtools panel (crossbus/devtools) in real Chromium: isolated from hostile page CSS,
// fed by a plugin (never a subscription) with the events of every tab and worker, filtered,
// paused, inspected, exported and imported, re-sent through the bus's policy, inert with hostile
// data, and gone without a trace when unmounted. Also saves the README's screenshots.
import { expect, test, type Page } from '@playwright/test'
import type { DevtoolsApp } from './fixtures/devtools/app'
import type { BusOptions } from '../src/index'
import { uniqueName } from './support/tabs'
import { watchPage } from './support/watch-page'

const FIXTURE = '/e2e/fixtures/devtools/app.ts'

declare global {
  interface Window {
    app?: DevtoolsApp
    xss?: number
  }
}

async function openApp(page: Page, name: string, options: Omit<BusOptions, 'name'> & { agent?: boolean } = {}, expected?: (line: string) => boolean): Promise<() => void> {
  const check = watchPage(page, undefined, expected)
  await page.goto('/e2e/fixtures/devtools/app.html')
  await page.evaluate(
    async ([url, busName, busOptions]) => {
      const { startApp }: typeof import('./fixtures/devtools/app') = await import(url)
      window.app = startApp(busName, busOptions)
    },
    [FIXTURE, name, options] as const,
  )
  return check
}

async function mount(page: Page, options: Record<string, unknown> = { open: true }): Promise<void> {
  await page.evaluate((mountOptions) => window.app!.mount(mountOptions).ready, options)
  await expect(page.getByTestId('panel')).toBeVisible()
}

/** The rendered rows, each as its cells' text: time, how, system, kind, path, origin, seq, size. */
function rows(page: Page): Promise<string[][]> {
  return page.evaluate(() => {
    const root = document.querySelector('[data-crossbus-devtools]')?.shadowRoot
    return [...(root?.querySelectorAll<HTMLElement>('.row') ?? [])].filter((row) => !row.hidden).map((row) => [...row.children].map((cell) => cell.textContent ?? ''))
  })
}

const paths = async (page: Page) => (await rows(page)).map((row) => row[4])

/** The label every viewer gives a context: its kind and the first four characters of its bus instance id. */
const labelOf = (kind: string, origin: string) => `${kind} ${origin.slice(0, 4)}`
const originOf = (page: Page) => page.evaluate(() => window.app!.bus.origin)

async function send(page: Page, system: string, kind: string, path: string, data?: unknown): Promise<void> {
  await page.evaluate(([s, k, p, d]) => void window.app!.bus.send(s, k, p, d), [system, kind, path, data] as const)
}

test('the panel keeps its look in a page with hostile global CSS, leaks none of its own, and observes without subscribing', async ({ page }) => {
  const check = await openApp(page, uniqueName('dt-css'))
  await mount(page)
  await send(page, 'orders', 'order.created', '/orders/1', { total: 5 })
  await expect.poll(() => paths(page)).toEqual(['/orders/1'])
  const looks = await page.evaluate(() => {
    const host = document.querySelector<HTMLElement>('[data-crossbus-devtools]')!
    const panel = host.shadowRoot!.querySelector<HTMLElement>('.panel')!
    const row = host.shadowRoot!.querySelector<HTMLElement>('.row')!
    const style = (element: Element) => getComputedStyle(element)
    const pageRow = document.getElementById('page-row')!
    return {
      hostOpacity: style(host).opacity,
      hostTransform: style(host).transform,
      panelFont: style(panel).fontSize,
      panelBackground: style(panel).backgroundColor,
      rowHeight: row.getBoundingClientRect().height,
      rowColor: style(row).color,
      // The page's own .row keeps the page's rules (display: none), not the panel's grid.
      pageRowDisplay: style(pageRow).display,
      pageCellOverflow: style(document.getElementById('page-cell')!).textOverflow,
    }
  })
  expect(looks).toEqual({
    hostOpacity: '1',
    hostTransform: 'none',
    panelFont: '12px',
    panelBackground: 'rgb(255, 255, 255)',
    rowHeight: 22,
    rowColor: 'rgb(29, 35, 48)',
    pageRowDisplay: 'none',
    pageCellOverflow: 'clip',
  })
  // A plugin, not a subscriber: the bus counts no subscription for the panel.
  expect(await page.evaluate(() => window.app!.bus.stats().subscriptions)).toBe(0)
  check()
})

test('events from two tabs and a worker appear with their origins and how they arrived', async ({ context }) => {
  const name = uniqueName('dt-origins')
  const a = await context.newPage()
  const b = await context.newPage()
  const checks = [await openApp(a, name), await openApp(b, name)]
  await a.evaluate(() => window.app!.startWorker())
  await mount(a)
  // Labels come from peers$: wait until the panel knows the other tab and the worker.
  await a.getByTestId('tab-contexts').click()
  await expect(a.getByTestId('context')).toHaveCount(3)
  await a.getByTestId('tab-events').click()

  await send(a, 'orders', 'order.created', '/orders/a')
  await send(b, 'cart', 'item.added', '/cart/b')
  await a.evaluate(() => window.app!.workerSend('/sku-w'))
  const worker = await a.getByTestId('context').filter({ hasText: 'worker' }).getAttribute('data-origin')
  await expect.poll(async () => (await rows(a)).map((row) => [row[1], row[2], row[4], row[5]]).sort((x, y) => x[2]!.localeCompare(y[2]!))).toEqual([
    ['received', 'cart', '/cart/b', labelOf('tab', await originOf(b))],
    ['sent', 'orders', '/orders/a', labelOf('tab', await originOf(a))],
    ['received', 'inventory', '/sku-w', labelOf('worker', worker!)],
  ])
  const seq = (await rows(a)).find((row) => row[4] === '/cart/b')![6]
  expect(seq).toBe('1')
  for (const check of checks) check()
})

test('each filter narrows the table, a malformed glob says why, and the open state and widths are remembered', async ({ page }) => {
  // A reload re-imports the panel's modules from the dev server: slow on a loaded machine.
  test.setTimeout(120_000)
  const check = await openApp(page, uniqueName('dt-filter'))
  await mount(page)
  await send(page, 'orders.eu', 'order.created', '/orders/1', { customer: 'Ada' })
  await send(page, 'orders.us', 'order.cancelled', '/orders/2', { customer: 'Grace' })
  await send(page, 'cart', 'item.added', '/cart/3', { sku: 'A1' })
  await expect.poll(() => paths(page)).toEqual(['/orders/1', '/orders/2', '/cart/3'])

  const filter = (field: string) => page.getByTestId(`filter-${field}`)
  await filter('system').fill('orders.*')
  await expect.poll(() => paths(page)).toEqual(['/orders/1', '/orders/2'])
  await filter('kind').fill('*.cancelled')
  await expect.poll(() => paths(page)).toEqual(['/orders/2'])
  await filter('system').fill('')
  await filter('kind').fill('')
  await filter('path').fill('CART')
  await expect.poll(() => paths(page)).toEqual(['/cart/3'])
  await filter('path').fill('')
  await filter('text').fill('ada')
  await expect.poll(() => paths(page)).toEqual(['/orders/1'])
  await filter('text').fill('')
  const origin = await page.evaluate(() => window.app!.bus.origin)
  await filter('origin').selectOption(origin)
  await expect.poll(() => paths(page)).toEqual(['/orders/1', '/orders/2', '/cart/3'])
  await filter('origin').selectOption('')
  await filter('system').fill('orders.(eu)')
  await expect(page.getByTestId('events-status')).toContainText('malformed')
  // The malformed field is ignored rather than hiding everything.
  await expect.poll(() => paths(page)).toEqual(['/orders/1', '/orders/2', '/cart/3'])
  await filter('system').fill('')

  // Widths and the open state survive a reload; the shortcut toggles the panel.
  const grip = page.locator('[data-column="system"] .grip')
  const box = (await grip.boundingBox())!
  await page.mouse.move(box.x + 2, box.y + 5)
  await page.mouse.down()
  await page.mouse.move(box.x + 82, box.y + 5, { steps: 4 })
  await page.mouse.up()
  const width = () => page.locator('[data-column="system"]').evaluate((cell) => Math.round(cell.getBoundingClientRect().width))
  expect(await width()).toBe(200)
  await page.keyboard.press('Alt+Shift+KeyB')
  await expect(page.getByTestId('panel')).toBeHidden()
  await page.keyboard.press('Alt+Shift+KeyB')
  await expect(page.getByTestId('panel')).toBeVisible()
  await page.reload()
  await page.evaluate(async ([url, name]) => {
    const { startApp }: typeof import('./fixtures/devtools/app') = await import(url)
    window.app = startApp(name)
    window.app.mount()
  }, [FIXTURE, uniqueName('dt-filter-again')] as const)
  await expect(page.getByTestId('panel')).toBeVisible()
  expect(await width()).toBe(200)
  check()
})

test('pause holds new events back and resume shows them', async ({ page }) => {
  const check = await openApp(page, uniqueName('dt-pause'))
  await mount(page)
  await send(page, 'orders', 'order.created', '/orders/1')
  await expect.poll(() => paths(page)).toEqual(['/orders/1'])
  await page.getByTestId('pause').click()
  await send(page, 'orders', 'order.created', '/orders/2')
  await send(page, 'orders', 'order.created', '/orders/3')
  await expect(page.getByTestId('events-status')).toContainText('2 held while paused')
  expect(await paths(page)).toEqual(['/orders/1'])
  await page.getByTestId('pause').click()
  await expect.poll(() => paths(page)).toEqual(['/orders/1', '/orders/2', '/orders/3'])
  await page.getByTestId('clear').click()
  await expect.poll(() => paths(page)).toEqual([])
  check()
})

test('the detail shows the data as an expandable JSON tree and as its CloudEvent', async ({ page }) => {
  const check = await openApp(page, uniqueName('dt-tree'))
  await mount(page)
  await send(page, 'orders', 'order.created', '/orders/7', { order: { id: 7, lines: [{ sku: 'A1', qty: 2 }] }, total: 12.5 })
  await page.locator('[data-crossbus-devtools] .row').first().click()
  const detail = page.getByTestId('detail')
  await expect(detail).toContainText('total: 12.5')
  // Below the first level, children are built when opened.
  await expect(detail.locator('details[data-path="lines"]')).toHaveCount(0)
  await detail.locator('details[data-path="order"] > summary').click()
  await detail.locator('details[data-path="lines"] > summary').click()
  await expect(detail.locator('.tree').getByText('"A1"')).toHaveCount(0)
  await detail.locator('details[data-path="0"] > summary').click()
  await expect(detail.locator('.tree').getByText('"A1"')).toBeVisible()
  const cloudEvent = JSON.parse((await page.getByTestId('cloudevent').textContent())!)
  expect(cloudEvent).toMatchObject({ specversion: '1.0', source: 'orders', type: 'order.created', subject: '/orders/7', data: { total: 12.5 }, crossbusseq: 1 })
  check()
})

test('export then import gives the same events; a broken file imports nothing and says why', async ({ page }) => {
  const check = await openApp(page, uniqueName('dt-export'))
  await mount(page)
  await send(page, 'orders', 'order.created', '/orders/1', { total: 1, tags: ['a'] })
  await send(page, 'cart', 'item.added', '/cart/2', { sku: 'B2' })
  await send(page, 'cart', 'cart.cleared', '/cart')
  await expect.poll(() => paths(page)).toEqual(['/orders/1', '/cart/2', '/cart'])
  const exportOnce = async () => {
    const download = page.waitForEvent('download')
    await page.getByTestId('export').click()
    const file = await (await download).path()
    const { readFile } = await import('node:fs/promises')
    return readFile(file, 'utf8')
  }
  const exported = await exportOnce()
  const batch = JSON.parse(exported) as { id: string }[]
  expect(batch.map((event) => event.id)).toHaveLength(3)

  await page.getByTestId('clear').click()
  await expect.poll(() => paths(page)).toEqual([])
  await page.getByTestId('import-file').setInputFiles({ name: 'batch.json', mimeType: 'application/json', buffer: Buffer.from(exported) })
  await expect.poll(async () => (await rows(page)).map((row) => [row[1], row[4]])).toEqual([
    ['imported', '/orders/1'],
    ['imported', '/cart/2'],
    ['imported', '/cart'],
  ])
  expect(await exportOnce()).toBe(exported)

  // Item 1 broken: nothing of the file gets in, and the status names the item.
  const broken = JSON.stringify([batch[0], { ...batch[1], specversion: '0.3' }])
  await page.getByTestId('import-file').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(broken) })
  await expect(page.getByTestId('events-status')).toContainText('Nothing imported: Batch item 1')
  expect(await paths(page)).toEqual(['/orders/1', '/cart/2', '/cart'])
  check()
})

test('re-send goes through the bus: the policy refuses a denied system, an allowed one is sent again', async ({ page }) => {
  const check = await openApp(page, uniqueName('dt-resend'), { policy: { send: ['orders.**'], subscribe: ['**'] } })
  await mount(page)
  await send(page, 'orders', 'order.created', '/orders/1', { total: 1 })
  await page.locator('[data-crossbus-devtools] .row').first().click()
  await page.getByTestId('resend-system').fill('payments')
  await page.getByTestId('resend').click()
  await expect(page.getByTestId('resend-result')).toContainText('POLICY_DENIED')
  expect(await page.evaluate(() => window.app!.bus.stats().sent)).toBe(1)

  await page.getByTestId('resend-system').fill('orders.eu')
  await page.getByTestId('resend-data').fill('{ "total": 2 }')
  await page.getByTestId('resend').click()
  await expect(page.getByTestId('resend-result')).toContainText('sent as')
  await expect.poll(async () => (await rows(page)).map((row) => [row[2], row[4]])).toEqual([
    ['orders', '/orders/1'],
    ['orders.eu', '/orders/1'],
  ])
  await page.getByTestId('resend-data').fill('{ not json')
  await page.getByTestId('resend').click()
  await expect(page.getByTestId('resend-result')).toContainText('The data is not JSON')
  expect(await page.evaluate(() => window.app!.bus.stats().sent)).toBe(2)
  check()
})

test('rows whose data is no JSON (BigInt, a cycle, a throwing getter) or whose time no date can hold open a detail that says so, with no page error', async ({ page }) => {
  const check = await openApp(page, uniqueName('dt-odd'))
  await mount(page)
  // In the order they arrived (the table sorts by time unless told otherwise: see below).
  await page.getByTestId('order').selectOption('arrival')
  await page.evaluate(() => {
    const app = window.app!
    const cyclic: Record<string, unknown> = { name: 'loop' }
    cyclic['self'] = cyclic
    // What send accepts: BigInt, cycles, and an object without prototype whose BigInt neither JSON nor String() can print.
    app.bus.send('odd', 'big.int', '/odd/bigint', { n: 10n })
    app.bus.send('odd', 'cyclic', '/odd/cyclic', cyclic)
    app.bus.send('odd', 'bare', '/odd/bare', Object.assign(Object.create(null) as object, { n: 1n }))
    const forged = (path: string, time: number, data: unknown = { ok: true }) => ({ id: `forger-${path}`, system: 'odd', kind: 'forged', path, data, time, origin: 'forger', seq: 1 })
    // Times the bus still takes from a bridge: before 1970, and the first millisecond of year 0000.
    if (!app.inject(forged('/odd/negative', -1))) throw new Error('not injected')
    if (!app.inject(forged('/odd/year-zero', -62167219200000))) throw new Error('not injected')
    // What only a forged or damaged message could carry: no date holds these times; a getter that throws.
    app.forge(forged('/odd/far', 1e20))
    app.forge(forged('/odd/fraction', 1.5))
    app.forge(forged('/odd/nan', Number.NaN))
    app.forge(forged('/odd/getter', 0, { get boom(): never { throw new Error('boom') } }))
  })
  const expected = ['/odd/bigint', '/odd/cyclic', '/odd/bare', '/odd/negative', '/odd/year-zero', '/odd/far', '/odd/fraction', '/odd/nan', '/odd/getter']
  await expect.poll(() => paths(page)).toEqual(expected)
  // By time: the oldest first, the sends of now after the forged 1970 ones, and times no date holds last, as they came.
  await page.getByTestId('order').selectOption('time')
  await expect.poll(() => paths(page)).toEqual(['/odd/year-zero', '/odd/negative', '/odd/getter', '/odd/fraction', '/odd/bigint', '/odd/cyclic', '/odd/bare', '/odd/far', '/odd/nan'])
  await page.getByTestId('order').selectOption('arrival')
  await expect.poll(() => paths(page)).toEqual(expected)
  const table = await rows(page)
  expect(table.find((row) => row[4] === '/odd/far')![0]).toBe('invalid time')
  expect(table.find((row) => row[4] === '/odd/nan')![0]).toBe('invalid time')

  const detail = page.getByTestId('detail')
  const open = async (path: string) => {
    await page.locator('[data-crossbus-devtools] .row:not([hidden])').filter({ hasText: path }).click()
    await expect(detail).toContainText(path)
  }
  const field = (name: string) => detail.locator('.meta .k', { hasText: new RegExp(`^${name}$`) }).locator('xpath=following-sibling::span[1]')

  await open('/odd/bigint')
  await expect(detail.locator('.tree')).toContainText('n: 10')
  await expect(page.getByTestId('resend-data')).toHaveValue('')
  await expect(page.getByTestId('resend-note')).toHaveText('(cannot be shown as JSON: Do not know how to serialize a BigInt)')
  await expect(page.getByTestId('cloudevent')).toContainText('This event has no CloudEvent form')

  await open('/odd/cyclic')
  await expect(detail.locator('.tree')).toContainText('[circular]')
  await expect(page.getByTestId('resend-note')).toContainText('(cannot be shown as JSON: Converting circular structure to JSON')

  await open('/odd/bare')
  await expect(detail.locator('.tree')).toContainText('n: 1')
  await expect(page.getByTestId('resend-note')).toContainText('(cannot be shown as JSON:')

  await open('/odd/negative')
  await expect(field('time')).toContainText('(1969-12-31T23:59:59.999Z)')
  await expect(page.getByTestId('resend-data')).toHaveValue('{\n  "ok": true\n}')
  await expect(page.getByTestId('resend-note')).toHaveCount(0)

  await open('/odd/year-zero')
  await expect(field('time')).toContainText('(0000-01-01T00:00:00.000Z)')

  await open('/odd/far')
  await expect(field('time')).toHaveText('(invalid time: 100000000000000000000)')
  await expect(page.getByTestId('cloudevent')).toContainText('This event has no CloudEvent form')

  await open('/odd/fraction')
  await expect(field('time')).toContainText('(1970-01-01T00:00:00.001Z)')

  await open('/odd/nan')
  await expect(field('time')).toHaveText('(invalid time: NaN)')

  await open('/odd/getter')
  await expect(detail.locator('.tree')).toContainText('(cannot be shown: boom)')
  await expect(page.getByTestId('resend-note')).toHaveText('(cannot be shown as JSON: boom)')
  await expect(page.getByTestId('cloudevent')).toContainText('This event has no CloudEvent form')

  // The panel still works: a plain event after them all shows and opens.
  await send(page, 'orders', 'order.created', '/orders/after', { total: 1 })
  await expect.poll(() => paths(page)).toEqual([...expected, '/orders/after'])
  await open('/orders/after')
  await expect(page.getByTestId('resend-data')).toHaveValue('{\n  "total": 1\n}')
  check()
})

/** An event as only a forged or damaged message could carry it (delivered with no check at all). */
async function forge(page: Page, path: string, data: string): Promise<void> {
  // `data` is a function body run in the page: what it returns is the event's data.
  await page.evaluate(([p, body]) => {
    const made = new Function(body)() as unknown
    window.app!.forge({ id: `forger-${p}`, system: 'forged', kind: 'odd.data', path: p, data: made, time: Date.now(), origin: 'forger', seq: 1 })
  }, [path, data] as const)
}

test('arrays with holes open in the detail, each hole said, however long the array', async ({ page }) => {
  const check = await openApp(page, uniqueName('dt-holes'))
  await mount(page)
  await forge(page, '/holes', 'const sparse = []; sparse.length = 1e9; return [1, , 3, { inner: [, 5] }, sparse]')
  await expect.poll(() => paths(page)).toEqual(['/holes'])
  await page.locator('[data-crossbus-devtools] .row').first().click()
  const tree = page.getByTestId('detail').locator('.tree')
  await expect(tree.locator(':scope > details > .leaf')).toHaveText(['0: 1', '1: (empty)', '2: 3'])
  await tree.locator('details[data-path="3"] > summary').click()
  await tree.locator('details[data-path="inner"] > summary').click()
  await expect(tree.locator('details[data-path="inner"] > .leaf')).toHaveText(['0: (empty)', '1: 5'])
  // A billion holes: the first ones, and how many more; no JSON of it is attempted.
  await expect(tree.locator('details[data-path="4"] > summary')).toHaveText('4: Array(1000000000)')
  await tree.locator('details[data-path="4"] > summary').click()
  await expect(tree.locator('details[data-path="4"] > .leaf').last()).toHaveText('… 999999500 more')
  // A billion holes are estimated past any budget: no JSON of them is built to show the CloudEvent.
  await expect(page.getByTestId('cloudevent-note')).toContainText('is left out here')
  check()
})

test('a 50 MB string shows its start at once, and all of it on demand', async ({ page }) => {
  // Making, cloning and saving megabytes takes seconds of a busy machine, whatever the panel does.
  test.setTimeout(90_000)
  const check = await openApp(page, uniqueName('dt-long'))
  await mount(page)
  // Cloned, as an event from another context is: 'x'.repeat makes a rope V8 flattens on first read.
  await forge(page, '/long', "return structuredClone({ blob: 'x'.repeat(50_000_000) })")
  await expect.poll(() => paths(page)).toEqual(['/long'])
  await page.locator('[data-crossbus-devtools] .row').first().click()
  const detail = page.getByTestId('detail')
  await expect(detail.locator('.tree').getByTestId('show-all')).toHaveText('save all 50,000,000 characters')
  const laidOut = () =>
    page.evaluate(() => {
      const root = document.querySelector('[data-crossbus-devtools]')!.shadowRoot!
      return {
        tree: root.querySelector('.tree')!.textContent!.length,
        cloudEvent: root.querySelector('[data-testid="cloudevent"]')!.textContent!.length,
        editor: root.querySelector<HTMLTextAreaElement>('[data-testid="resend-data"]')!.value.length,
      }
    })
  const shown = await laidOut()
  expect(shown.tree).toBeLessThan(20_000)
  expect(shown.cloudEvent).toBeLessThan(20_000)
  expect(shown.editor).toBe(0)
  await expect(page.getByTestId('resend-note')).toContainText('(the data is about 47.7 MB: not loaded into the editor)')
  await expect(page.getByTestId('cloudevent-note')).toContainText('Its data (about 47.7 MB) is left out here')
  // Past a million characters, all of it is saved as a file (laid out anywhere on the page's
  // site, it would stall the app); a smaller one here, so saving it is quick on a busy machine.
  await forge(page, '/saved', "return 'z'.repeat(2_000_000)")
  await page.locator('[data-crossbus-devtools] .row').filter({ hasText: '/saved' }).click()
  const download = page.waitForEvent('download')
  await detail.locator('.tree').getByTestId('show-all').click()
  const { stat } = await import('node:fs/promises')
  expect((await stat(await (await download).path())).size).toBe(2_000_000)
  // Up to a million characters, all of it shows here.
  await forge(page, '/longish', "return 'y'.repeat(200_000)")
  await page.locator('[data-crossbus-devtools] .row').filter({ hasText: '/longish' }).click()
  await expect(detail.locator('.tree').getByTestId('show-all')).toHaveText('show all 200,000 characters')
  await detail.locator('.tree').getByTestId('show-all').click()
  await expect.poll(async () => (await laidOut()).tree).toBe(200_002)
  check()
})

test('50,000 injected origins list a hundred in the origin filter and say how many are left out; a live context is listed all the same', async ({ context }) => {
  // 50,000 events through the bus in one page take seconds of a busy machine.
  test.setTimeout(90_000)
  const name = uniqueName('dt-flood')
  const page = await context.newPage()
  const other = await context.newPage()
  const checks = [await openApp(page, name), await openApp(other, name)]
  await mount(page)
  await page.evaluate(() => {
    const now = Date.now()
    for (let i = 0; i < 50_000; i++) window.app!.forge({ id: `f${i}-1`, system: 'flood', kind: 'forged', path: `/f/${i}`, data: undefined, time: now, origin: `forged-origin-${i}`, seq: 1 })
  })
  const options = page.getByTestId('filter-origin').locator('option')
  await expect(page.getByTestId('origins-left-out')).toHaveText(/^[\d,]+ more origins not listed$/)
  expect(await options.count()).toBeLessThanOrEqual(102)
  // The other tab is a real context: its origin is listed past the cap.
  const otherOrigin = await other.evaluate(() => window.app!.bus.origin)
  await send(other, 'orders', 'order.created', '/orders/real')
  await expect(page.getByTestId('filter-origin').locator(`option[value="${otherOrigin}"]`)).toHaveCount(1)
  await page.getByTestId('filter-origin').selectOption(otherOrigin)
  await expect.poll(() => paths(page)).toEqual(['/orders/real'])
  for (const check of checks) check()
})

test('an XSS payload in data, path and kind stays text', async ({ page }) => {
  // The canary below loads a missing image on purpose: Chromium logs its 404.
  const check = await openApp(page, uniqueName('dt-xss'), {}, (line) => line.includes('404 (Not Found)'))
  await mount(page)
  const payload = '<img src=x onerror="window.xss=1">'
  await send(page, 'orders', 'order.created', `/orders/${payload}`, { html: payload, [payload]: payload })
  await page.locator('[data-crossbus-devtools] .row').first().click()
  await expect(page.getByTestId('detail')).toContainText(`html: ${JSON.stringify(payload)}`)
  const images = await page.evaluate(() => document.querySelector('[data-crossbus-devtools]')!.shadowRoot!.querySelectorAll('img').length + document.querySelectorAll('img').length)
  expect(images).toBe(0)
  // A canary image of the same broken source, made after the panel drew: once its onerror ran,
  // an onerror of anything the panel drew would have run too.
  await page.evaluate(() => {
    const canary = document.createElement('img')
    canary.onerror = () => (document.documentElement.dataset.canary = 'fired')
    canary.src = 'x'
    document.body.appendChild(canary)
  })
  await expect(page.locator('html')).toHaveAttribute('data-canary', 'fired')
  expect(await page.evaluate(() => window.xss)).toBeUndefined()
  check()
})

test('history loads the stored events as replayed; the contexts tab shows who subscribes to what; errors show their codes', async ({ context }) => {
  const name = uniqueName('dt-history')
  const a = await context.newPage()
  const b = await context.newPage()
  const checks = [await openApp(a, name, { replay: {} }), await openApp(b, name, { agent: true })]
  await send(a, 'orders', 'order.created', '/orders/old')
  await a.evaluate(() => window.app!.bus.flush())
  await b.evaluate(() => {
    window.app!.bus.subscribe('orders.**').subscribe(() => {})
    window.app!.bus.subscribe('orders.**').subscribe(() => {})
    window.app!.bus.subscribe('cart', 'item.*').subscribe(() => {})
  })
  await mount(a)
  await a.getByTestId('history').click()
  await expect.poll(async () => (await rows(a)).map((row) => [row[1], row[4]])).toEqual([['replayed', '/orders/old']])

  await a.getByTestId('tab-contexts').click()
  const other = a.getByTestId('context').filter({ hasText: labelOf('tab', await originOf(b)) })
  await expect(other.getByTestId('subscription')).toHaveText(['orders.** × 2', 'cart · item.* × 1'])
  await expect(a.getByTestId('context').filter({ hasText: '(here)' }).getByTestId('subscriptions')).toHaveText('none')

  // A handler that throws is reported on errors$, which the panel lists with its code.
  await a.evaluate(() => {
    window.app!.bus.subscribe('boom').subscribe(() => {
      throw new Error('handler broke')
    })
    window.app!.bus.errors$.subscribe(() => {})
    window.app!.bus.send('boom', 'went.off', '/boom')
  })
  await a.getByTestId('tab-errors').click()
  await expect(a.getByTestId('error')).toContainText(['HANDLER_FAILED'])
  for (const check of checks) check()
})

test('unmount leaves no node, listener, channel or plugin behind', async ({ page }) => {
  const check = await openApp(page, uniqueName('dt-unmount'))
  const before = await page.evaluate(() => ({ ...window.app!.leftovers(), nodes: document.body.querySelectorAll('*').length }))
  await mount(page)
  await page.getByTestId('tab-contexts').click()
  await send(page, 'orders', 'order.created', '/orders/1')
  await expect.poll(() => paths(page)).toEqual(['/orders/1'])
  const during = await page.evaluate(() => window.app!.leftovers())
  expect(during.listeners).toBeGreaterThan(before.listeners)
  expect(during.channels).toBeGreaterThan(before.channels)
  await page.evaluate(() => window.app!.unmount())
  const after = await page.evaluate(() => ({ ...window.app!.leftovers(), nodes: document.body.querySelectorAll('*').length, hosts: document.querySelectorAll('[data-crossbus-devtools]').length }))
  expect(after).toEqual({ ...before, hosts: 0 })
  // The plugin is detached: another one of its name attaches, and the bus still has no subscription.
  expect(await page.evaluate(() => {
    const again = window.app!.bus.use({ name: 'devtools', setup: () => ({}) })
    void again.detach()
    return window.app!.bus.stats().subscriptions
  })).toBe(0)
  check()
})

test('the handle: ready once the panel is shown, status$ follows it, stats() counts what was kept and let go, close() is one promise', async ({ page }) => {
  const check = await openApp(page, uniqueName('dt-handle'))
  await page.evaluate(async () => {
    const devtools = window.app!.mount({ open: false, maxEvents: 3 })
    const seen: string[] = []
    devtools.status$.subscribe((status) => seen.push(`${status.panel} recording=${status.recording} paused=${status.paused}`))
    ;(window as unknown as { seen: string[] }).seen = seen
    await devtools.ready
    if (!document.querySelector('[data-crossbus-devtools]')) throw new Error('ready before the panel was there')
    for (let i = 1; i <= 5; i++) window.app!.bus.send('orders', 'order.created', `/orders/${i}`, { i })
  })
  const stats = () => page.evaluate(() => window.app!.devtools!.stats())
  expect(await stats()).toMatchObject({ recorded: 5, kept: 3, forgotten: 2, dropped: 0, errors: 0 })
  expect((await stats()).keptBytes).toBeGreaterThan(0)
  await page.getByTestId('toggle').click()
  await page.getByTestId('pause').click()
  await expect.poll(() => paths(page)).toEqual(['/orders/3', '/orders/4', '/orders/5'])
  const closed = await page.evaluate(async () => {
    const devtools = window.app!.devtools!
    const once = devtools.close()
    const same = once === devtools.close() && once === devtools.unmount()
    await once
    return { same, hosts: document.querySelectorAll('[data-crossbus-devtools]').length }
  })
  expect(closed).toEqual({ same: true, hosts: 0 })
  expect(await page.evaluate(() => (window as unknown as { seen: string[] }).seen)).toEqual([
    'loading recording=true paused=false',
    'closed recording=true paused=false',
    'open recording=true paused=false',
    'open recording=true paused=true',
    'unmounted recording=false paused=true',
  ])
  check()
})

test('mounting refuses bad options, naming them, and mounts nothing', async ({ page }) => {
  const check = await openApp(page, uniqueName('dt-options'))
  const errors = await page.evaluate(() =>
    [{ position: 'middle' }, { maxEvents: 0 }, { colour: 'red' }].map((options) => {
      try {
        window.app!.mount(options as never)
        return 'mounted'
      } catch (error) {
        return `${(error as { code: string }).code}: ${(error as Error).message}`
      }
    }),
  )
  expect(errors).toEqual([
    expect.stringMatching(/^INVALID_ARGUMENT: mountDevtools: `position` must be one of/),
    'INVALID_ARGUMENT: mountDevtools: `maxEvents` must be a positive integer.',
    expect.stringMatching(/^INVALID_ARGUMENT: mountDevtools: unknown option "colour"/),
  ])
  expect(await page.locator('[data-crossbus-devtools]').count()).toBe(0)
  check()
})

/** Where the timeline draws the mark of an event sent at `time` in the lane of `origin` (page coordinates). */
async function markPoint(page: Page, origin: string, time: number): Promise<{ x: number; y: number }> {
  const canvas = page.getByTestId('timeline-canvas')
  const box = (await canvas.boundingBox())!
  const from = Number(await canvas.getAttribute('data-from'))
  const to = Number(await canvas.getAttribute('data-to'))
  const lane = (await page.locator(`[data-testid="lane"][data-lane="${origin}"]`).boundingBox())!
  return { x: box.x + ((time - from) / (to - from)) * box.width, y: lane.y + lane.height / 2 }
}

/** Each lane of the timeline: its context id, label and number of marks. */
function lanes(page: Page): Promise<{ lane: string; label: string; marks: number }[]> {
  return page.getByTestId('lane').evaluateAll((elements) =>
    elements.map((element) => ({ lane: element.getAttribute('data-lane')!, label: element.textContent!, marks: Number(element.getAttribute('data-marks')) })),
  )
}

test('the timeline: a lane per context, a mark per event, hover names it, a brush zooms, clicking a mark opens its detail', async ({ context }) => {
  // Two tabs, a worker and their panels on a 2-core machine shared with other runs.
  test.setTimeout(120_000)
  const name = uniqueName('dt-timeline')
  const a = await context.newPage()
  const b = await context.newPage()
  const checks = [await openApp(a, name), await openApp(b, name)]
  await a.evaluate(() => window.app!.startWorker())
  await mount(a)
  await a.getByTestId('tab-contexts').click()
  await expect(a.getByTestId('context')).toHaveCount(3)
  const worker = (await a.getByTestId('context').filter({ hasText: 'worker' }).getAttribute('data-origin'))!
  await a.getByTestId('tab-events').click()
  await a.getByTestId('picture-timeline').click()
  await expect(a.getByTestId('timeline')).toBeVisible()
  await expect(a.getByTestId('rows')).toBeHidden()

  await send(a, 'orders', 'order.created', '/orders/a1')
  await send(a, 'orders', 'order.paid', '/orders/a2')
  for (const n of [1, 2, 3]) await send(b, 'cart', 'item.added', `/cart/b${n}`)
  await a.evaluate(() => window.app!.workerSend('/sku-w'))
  const [originA, originB] = [await originOf(a), await originOf(b)]
  await expect.poll(async () => (await lanes(a)).sort((x, y) => x.lane.localeCompare(y.lane))).toEqual(
    [
      { lane: originA, label: labelOf('tab', originA), marks: 2 },
      { lane: originB, label: labelOf('tab', originB), marks: 3 },
      { lane: worker, label: labelOf('worker', worker), marks: 1 },
    ].sort((x, y) => x.lane.localeCompare(y.lane)),
  )
  await expect(a.getByTestId('timeline-canvas')).toHaveAttribute('data-marks', '6')

  // A worker's event: hovering its mark names it, clicking it opens its detail. Its time, as a
  // subscriber here sees it (the panel draws the same event).
  const sentAt = await a.evaluate(() => new Promise<number>((resolve) => {
    const subscription = window.app!.bus.subscribe('inventory').subscribe((event) => {
      subscription.unsubscribe()
      resolve(event.time)
    })
    window.app!.workerSend('/sku-w3')
  }))
  await expect(a.locator(`[data-testid="lane"][data-lane="${worker}"]`)).toHaveAttribute('data-marks', '2')
  const point = await markPoint(a, worker, sentAt)
  await a.mouse.move(point.x, point.y)
  await expect(a.getByTestId('timeline-tip')).toContainText('/sku-w3')
  await expect(a.getByTestId('timeline-tip')).toContainText(labelOf('worker', worker))
  await a.mouse.click(point.x, point.y)
  await expect(a.getByTestId('detail')).toContainText('/sku-w3')

  // A brush across the middle of the plot zooms to what it spans; double-click shows all again.
  const canvas = a.getByTestId('timeline-canvas')
  const span = async () => Number(await canvas.getAttribute('data-to')) - Number(await canvas.getAttribute('data-from'))
  const before = await span()
  const box = (await canvas.boundingBox())!
  await a.mouse.move(box.x + box.width * 0.25, box.y + 5)
  await a.mouse.down()
  await a.mouse.move(box.x + box.width * 0.5, box.y + 5, { steps: 4 })
  await a.mouse.up()
  await expect.poll(span).toBeLessThan(before * 0.3)
  await canvas.dblclick({ position: { x: 5, y: 5 } })
  await expect.poll(span).toBeGreaterThanOrEqual(before)

  // The table is the other picture of the same events.
  await a.getByTestId('picture-table').click()
  await expect.poll(async () => (await paths(a)).length).toBe(7)
  for (const check of checks) check()
})

test('one context has one label in every viewer: two tabs with a panel each name themselves and each other the same', async ({ context }) => {
  // Two tabs, a worker and their panels on a 2-core machine shared with other runs.
  test.setTimeout(120_000)
  const name = uniqueName('dt-labels')
  const a = await context.newPage()
  const b = await context.newPage()
  const checks = [await openApp(a, name), await openApp(b, name)]
  await a.evaluate(() => window.app!.startWorker())
  for (const page of [a, b]) {
    await mount(page)
    await page.getByTestId('tab-contexts').click()
    await expect(page.getByTestId('context')).toHaveCount(3)
  }
  const labels = (page: Page) =>
    page.getByTestId('context').evaluateAll((rows) =>
      Object.fromEntries(rows.map((row) => [row.getAttribute('data-origin')!, row.querySelector('td')!.textContent!.replace(' (here)', '')])),
    )
  const [inA, inB] = [await labels(a), await labels(b)]
  expect(inA).toEqual(inB)
  expect(Object.values(inA)).toHaveLength(3)
  expect(Object.values(inA)).toEqual(expect.arrayContaining([labelOf('tab', await originOf(a)), labelOf('tab', await originOf(b)), expect.stringMatching(/^worker [0-9a-z]{4}$/)]))

  // The rows say the same: b's event is labelled alike in a's table and in b's own.
  for (const page of [a, b]) await page.getByTestId('tab-events').click()
  await send(b, 'cart', 'item.added', '/cart/b')
  const originColumn = async (page: Page) => (await rows(page)).find((row) => row[4] === '/cart/b')?.[5]
  await expect.poll(() => originColumn(a)).toBe(labelOf('tab', await originOf(b)))
  await expect.poll(() => originColumn(b)).toBe(labelOf('tab', await originOf(b)))
  for (const check of checks) check()
})

test('on a 390 px screen the panel fits, wraps its messages instead of cutting them, and each column says what it shows', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 })
  const check = await openApp(page, uniqueName('dt-narrow'))
  await page.addStyleTag({ content: '* { all: revert !important }' })
  await mount(page)
  const longPath = `/orders/${'very-long-segment-'.repeat(20)}end`
  await send(page, 'orders', 'order.created', longPath, { total: 1 })
  await expect.poll(() => paths(page)).toHaveLength(1)
  const panel = (await page.getByTestId('panel').boundingBox())!
  expect(panel.x).toBeGreaterThanOrEqual(0)
  expect(panel.x + panel.width).toBeLessThanOrEqual(390)
  // Every control of the bar is on the screen (the bar wraps).
  const offscreen = await page.evaluate(() => {
    const root = document.querySelector('[data-crossbus-devtools]')!.shadowRoot!
    return [...root.querySelectorAll<HTMLElement>('.bar button, .bar input, .bar select')]
      .filter((element) => element.offsetParent !== null)
      .filter((element) => element.getBoundingClientRect().right > 390 || element.getBoundingClientRect().left < 0)
      .map((element) => element.dataset.testid ?? element.textContent)
  })
  expect(offscreen).toEqual([])
  // A cell cut by its width holds the whole text in its tooltip.
  await expect(page.locator('[data-crossbus-devtools] .row .cell').nth(4)).toHaveAttribute('title', longPath)
  // Each column header explains its column.
  const headers = await page.locator('[data-crossbus-devtools] .th').evaluateAll((cells) => cells.map((cell) => [cell.textContent, cell.getAttribute('title')]))
  expect(headers).toHaveLength(8)
  for (const [title, says] of headers) expect(Boolean(says) && says !== title, `${title}: ${says}`).toBe(true)

  // A long message (a refused import names the item and the reason) wraps on the screen, whole.
  const broken = JSON.stringify([{ specversion: '0.3', id: 'x'.repeat(200), source: 's', type: 't' }])
  await page.getByTestId('import-file').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(broken) })
  const status = page.getByTestId('events-status')
  await expect(status).toContainText('Nothing imported')
  const shown = await status.evaluate((element) => {
    const box = element.getBoundingClientRect()
    return { clipped: element.scrollWidth > element.clientWidth + 1, left: box.left, right: box.right }
  })
  expect(shown.clipped).toBe(false)
  expect(shown.left).toBeGreaterThanOrEqual(0)
  expect(shown.right).toBeLessThanOrEqual(390)

  // The detail opens below the rows, on the screen.
  await page.locator('[data-crossbus-devtools] .row').first().click()
  const detail = (await page.getByTestId('detail').boundingBox())!
  expect(detail.x + detail.width).toBeLessThanOrEqual(390)
  // No room at the right of a phone: the panel stays docked at the bottom.
  await expect(page.getByTestId('dock')).toBeHidden()
  check()
})

test('the panel docks at the right or the bottom and its edge resizes it; both are remembered', async ({ page }) => {
  await page.setViewportSize({ width: 1200, height: 700 })
  const check = await openApp(page, uniqueName('dt-dock'))
  await mount(page)
  const box = async () => (await page.getByTestId('panel').boundingBox())!
  const bottom = await box()
  expect(Math.round(bottom.y + bottom.height)).toBe(700)
  expect(Math.round(bottom.width)).toBe(1200)
  await page.getByTestId('dock').click()
  await expect.poll(async () => Math.round((await box()).height)).toBe(700)
  const right = await box()
  expect(Math.round(right.x + right.width)).toBe(1200)
  expect(right.width).toBeLessThan(700)
  // Drag the left edge 200 px further left: 200 px wider.
  const edge = (await page.getByTestId('resize').boundingBox())!
  await page.mouse.move(edge.x + edge.width / 2, edge.y + 100)
  await page.mouse.down()
  await page.mouse.move(edge.x + edge.width / 2 - 200, edge.y + 100, { steps: 5 })
  await page.mouse.up()
  await expect.poll(async () => Math.round((await box()).width)).toBe(Math.round(right.width) + 200)
  const width = Math.round((await box()).width)
  await page.reload()
  await page.evaluate(async ([url, name]) => {
    const { startApp }: typeof import('./fixtures/devtools/app') = await import(url)
    window.app = startApp(name)
    window.app.mount({ open: true })
  }, [FIXTURE, uniqueName('dt-dock-again')] as const)
  await expect(page.getByTestId('panel')).toBeVisible()
  await expect.poll(async () => Math.round((await box()).width)).toBe(width)
  expect(Math.round((await box()).height)).toBe(700)
  await expect(page.getByTestId('dock')).toHaveText('dock bottom')
  check()
})

test('screenshot of the timeline', async ({ context }) => {
  // Two tabs, a worker and their panels on a 2-core machine shared with other runs.
  test.setTimeout(120_000)
  const name = uniqueName('dt-shot-timeline')
  const page = await context.newPage()
  const other = await context.newPage()
  await page.setViewportSize({ width: 1200, height: 640 })
  await page.emulateMedia({ colorScheme: 'light' })
  const checks = [await openApp(page, name), await openApp(other, name)]
  await page.addStyleTag({ content: '* { all: revert !important } :root { color-scheme: light dark !important } body { font: 14px system-ui !important; margin: 24px !important }' })
  await page.evaluate(() => window.app!.startWorker())
  await mount(page)
  await page.getByTestId('tab-contexts').click()
  await expect(page.getByTestId('context')).toHaveCount(3)
  await page.getByTestId('tab-events').click()
  await page.getByTestId('picture-timeline').click()
  // A little traffic over a few moments from each context, waited on by its count, not by time.
  for (let round = 0; round < 6; round++) {
    await send(page, 'cart', 'item.added', `/cart/items/${round}`, { sku: `A-${round}` })
    await send(other, 'orders', 'order.created', `/orders/${round}`, { total: round * 10 })
    if (round % 2 === 0) await page.evaluate((n) => window.app!.workerSend(`/sku/${n}`), round)
    await expect(page.getByTestId('timeline-canvas')).toHaveAttribute('data-marks', String(2 * (round + 1) + Math.floor(round / 2) + 1))
  }
  const origin = await originOf(other)
  const sentAt = await other.evaluate(() => window.app!.bus.send('orders', 'order.paid', '/orders/5', { total: 50 }).time)
  await expect(page.locator(`[data-testid="lane"][data-lane="${origin}"]`)).toHaveAttribute('data-marks', '7')
  const point = await markPoint(page, origin, sentAt)
  await page.mouse.move(point.x, point.y)
  await expect(page.getByTestId('timeline-tip')).toBeVisible()
  await page.screenshot({ path: 'docs/devtools-timeline.png' })
  for (const check of checks) check()
})

for (const scheme of ['light', 'dark'] as const) {
  test(`screenshot of the panel, ${scheme}`, async ({ context }) => {
    const name = uniqueName(`dt-shot-${scheme}`)
    const page = await context.newPage()
    const other = await context.newPage()
    await page.setViewportSize({ width: 1200, height: 640 })
    await page.emulateMedia({ colorScheme: scheme })
    const checks = [await openApp(page, name), await openApp(other, name)]
    // The README's picture shows the panel over an ordinary page, not the hostile fixture.
    await page.addStyleTag({ content: '* { all: revert !important } :root { color-scheme: light dark !important } body { font: 14px system-ui !important; margin: 24px !important }' })
    await mount(page)
    await page.getByTestId('tab-contexts').click()
    await expect(page.getByTestId('context')).toHaveCount(2)
    await page.getByTestId('tab-events').click()
    await send(page, 'cart', 'item.added', '/cart/items/1', { sku: 'A-1', name: 'Espresso cup', price: 9.5 })
    await send(other, 'orders', 'order.created', '/orders/1042', { order_id: '1042', total: 27.5, lines: [{ sku: 'A-1', qty: 3 }] })
    await send(page, 'cart', 'cart.checked_out', '/cart', { items: 3 })
    await send(other, 'payments.eu', 'payment.captured', '/payments/88', { amount: 27.5, currency: 'EUR' })
    await expect.poll(async () => (await rows(page)).length).toBe(4)
    await page.locator('[data-crossbus-devtools] .row').nth(1).click()
    await expect(page.getByTestId('detail')).toContainText('total: 27.5')
    await expect(page.getByTestId('rates').locator('.rate')).toHaveCount(3)
    await page.screenshot({ path: `docs/devtools-${scheme}.png` })
    for (const check of checks) check()
  })
}
