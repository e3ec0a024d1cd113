// Smoke tests for the browser harness and the package as built: the dev server, the system
// Chromium, dependency pre-bundling, module workers, and the built entry (dist/, which `npm test`
// builds before the browser tests) working across two tabs. If these fail, most other e2e tests
// will too.
//
// How a test uses the library in a real page:
//
//   await page.goto('/e2e/fixtures/blank.html')
//   const delivered = await page.evaluate(async (url) => {
//     const { createBus }: typeof import('../src/index') = await import(url)
//     const bus = createBus({ name: 'demo' })
//     ...
//   }, '/src/index.ts')
//
// The dev server (e2e/vite.config.ts) serves the repo root, so '/src/index.ts' is the library
// compiled from source, with its package imports rewritten to pre-bundled copies. Pass the URL
// as an argument: the callback is serialized into the page and can't see this file's variables,
// and a non-literal specifier keeps tsc from resolving '/src/...' on disk. Code that needs
// `import.meta.url` (e.g. `new Worker(new URL('./w.ts', import.meta.url), { type: 'module' })`)
// goes in a module under e2e/fixtures/ that the page imports, as workers.ts does here.
import { existsSync } from 'node:fs'
import { expect, test, type Page } from '@playwright/test'
import { uniqueName } from './support/tabs'

type Lib = typeof import('../src/index')
type SmokeWindow = Window & { smokeBus?: import('../src/index').Bus; smokeReceived?: unknown[] }

const BUILT_ENTRY = '/dist/index.js'

/** Fails the test on any page error, console error, or reload (a reload means a dependency was missed). */
function watchPage(page: Page): () => void {
  const problems: string[] = []
  let navigations = 0
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console.error: ${message.text()}`)
  })
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations += 1
  })
  return () => {
    expect(problems).toEqual([])
    expect(navigations, 'the page reloaded itself; is a dependency missing from optimizeDeps.include?').toBe(1)
  }
}

test('the built entry, imported in two tabs, sends and receives across them', async ({ context }) => {
  expect(existsSync(new URL('../dist/index.js', import.meta.url)), 'dist/index.js is missing: run `npm run build` first').toBe(true)
  const name = uniqueName('smoke')
  const [a, b] = [await context.newPage(), await context.newPage()]
  const checks = [watchPage(a), watchPage(b)]
  await Promise.all([a.goto('/e2e/fixtures/blank.html'), b.goto('/e2e/fixtures/blank.html')])

  // Each tab keeps what it receives from the other system; `here` sends, `there` is the other tab.
  const start = (page: Page, here: string, there: string) =>
    page.evaluate(
      async ([url, busName, own, other]) => {
        const { createBus }: Lib = await import(url)
        const scope = window as SmokeWindow
        scope.smokeReceived = []
        scope.smokeBus = createBus({ name: busName })
        scope.smokeBus.subscribe(other).subscribe((event) => scope.smokeReceived!.push({ system: event.system, kind: event.kind, data: event.data }))
        return own
      },
      [BUILT_ENTRY, name, here, there] as const,
    )
  const send = (page: Page, system: string, kind: string, data: unknown) =>
    page.evaluate(([s, k, d]) => void (window as SmokeWindow).smokeBus!.send(s, k, `/${s}`, d), [system, kind, data] as const)
  const received = (page: Page) => page.evaluate(() => (window as SmokeWindow).smokeReceived)

  // A listens before B exists, so B's hello reaches it; B listens before it says hello, so A's
  // answer (sent only once the hello arrived) reaches B. No step waits on time.
  await start(a, 'a', 'b')
  await start(b, 'b', 'a')
  await send(b, 'b', 'hello', { from: 'b' })
  await expect.poll(() => received(a)).toEqual([{ system: 'b', kind: 'hello', data: { from: 'b' } }])
  await send(a, 'a', 'welcome', { to: 'b', items: [1, 2, 3] })
  await expect.poll(() => received(b)).toEqual([{ system: 'a', kind: 'welcome', data: { to: 'b', items: [1, 2, 3] } }])

  await Promise.all([a, b].map((page) => page.evaluate(() => (window as SmokeWindow).smokeBus!.close())))
  for (const check of checks) check()
})

test('every runtime dependency loads in the browser and works', async ({ page }) => {
  const checkPage = watchPage(page)
  await page.goto('/e2e/fixtures/blank.html')

  const result = await page.evaluate(async (url) => {
    const deps: typeof import('./fixtures/deps') = await import(url)
    const { firstValueFrom, of, toArray } = deps.rxjs

    const doubled = await firstValueFrom(of(1, 2, 3).pipe(deps.rxjsOperators.map((n) => n * 2), toArray()))

    const db = await deps.openDB('crossbus-smoke', 1, {
      upgrade: (database) => database.createObjectStore('kv'),
    })
    await db.put('kv', 'hello', 'greeting')
    const stored = await db.get('kv', 'greeting')
    db.close()

    const sender = new deps.BroadcastChannel<string>('crossbus-smoke')
    const receiver = new deps.BroadcastChannel<string>('crossbus-smoke')
    const received = new Promise<string>((resolve) => {
      receiver.onmessage = resolve
    })
    await sender.postMessage('ping')
    const message = await received
    await Promise.all([sender.close(), receiver.close()])

    return { doubled, stored, message, channelType: receiver.type }
  }, '/e2e/fixtures/deps.ts')

  expect(result).toEqual({
    doubled: [2, 4, 6],
    stored: 'hello',
    message: 'ping',
    channelType: 'native',
  })
  checkPage()
})

test('a dedicated module worker can import rxjs and reply', async ({ page }) => {
  const checkPage = watchPage(page)
  await page.goto('/e2e/fixtures/blank.html')

  const reply = await page.evaluate(async (url) => {
    const { echoViaWorker }: typeof import('./fixtures/workers') = await import(url)
    return echoViaWorker({ n: 42 })
  }, '/e2e/fixtures/workers.ts')

  expect(reply).toEqual({ echo: { n: 42 }, from: 'echo-worker' })
  checkPage()
})

test('a shared module worker can import rxjs and reply', async ({ page }) => {
  const checkPage = watchPage(page)
  await page.goto('/e2e/fixtures/blank.html')

  const reply = await page.evaluate(async (url) => {
    const { echoViaSharedWorker }: typeof import('./fixtures/workers') = await import(url)
    return echoViaSharedWorker('hi')
  }, '/e2e/fixtures/workers.ts')

  expect(reply).toEqual({ echo: 'hi', from: 'echo-shared-worker' })
  checkPage()
})
