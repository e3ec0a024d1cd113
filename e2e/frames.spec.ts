// crossbus/frames in real Chromium: a host page on one loopback origin (127.0.0.1) and its frames
// on another (localhost, same port), plus an intruder on a third (a server of this spec on another
// port of 127.0.0.1). The frames' buses also sync across their own origin, as an app's would.
import { createServer, type Server } from 'node:http'
import { readFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { expect, test, type Frame, type Page } from '@playwright/test'
import type { ConnectFrameOptions } from '../src/bridges/frames/index'
import type { Delivered } from './fixtures/frames/record'
import { uniqueName } from './support/tabs'
import { watchPage } from './support/watch-page'

const port = Number(process.env.E2E_PORT || 5179)
const HOST_ORIGIN = `http://127.0.0.1:${port}`
const FRAME_ORIGIN = `http://localhost:${port}`
const FIXTURES = '/e2e/fixtures/frames'
const POLICY = { send: ['checkout.*'], subscribe: ['cart'] }

/** The third origin: serves the intruder page (and nothing else) on a free port of 127.0.0.1. */
let intruder: { server: Server; origin: string }
test.beforeAll(async () => {
  const page = await readFile(new URL('./fixtures/frames/intruder.html', import.meta.url))
  const server = createServer((request, response) => {
    if (request.url !== '/intruder.html') return void response.writeHead(404).end()
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  intruder = { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
})
test.afterAll(() => new Promise<void>((resolve) => intruder.server.close(() => resolve())))

/** A message posted to a window of another origin than its target: Chromium drops it with this warning. */
const MISSENT = (text: string) => text.includes("Failed to execute 'postMessage'")

/** The host page, with a bus of its own name; fails the test on page errors, and on a message posted to the wrong origin. */
async function openHost(page: Page): Promise<{ bus: string; check: () => void }> {
  const check = watchPage(page, MISSENT)
  const bus = uniqueName('host')
  await page.goto(`${FIXTURES}/host.html?bus=${bus}`)
  await page.waitForFunction(() => window.hostApp !== undefined)
  return { bus, check }
}

/** The frame page's URL on the frame origin; with `parent`, it connects to its host. */
function frameUrl(bus: string, parent = true): string {
  return `${FRAME_ORIGIN}${FIXTURES}/frame.html?bus=${bus}${parent ? `&parent=${encodeURIComponent(HOST_ORIGIN)}` : ''}`
}

/** Adds a frame to the host, connects it, and waits until both ends are connected. */
async function connectFrame(page: Page, name: string, frameBus: string, options: Partial<ConnectFrameOptions> = {}): Promise<{ frame: Frame; index: number }> {
  const index = await page.evaluate(
    ([src, name, options]) => window.hostApp!.connect(src, name, options as ConnectFrameOptions),
    [frameUrl(frameBus), name, { webOrigin: FRAME_ORIGIN, policy: POLICY, ...options }] as const,
  )
  await page.waitForFunction((index) => window.hostApp!.statuses[index]!.at(-1) === 'connected', index)
  const frame = await frameNamed(page, name)
  await frame.waitForFunction(() => window.frameApp?.statuses.at(-1) === 'connected')
  return { frame, index }
}

async function frameNamed(page: Page, name: string): Promise<Frame> {
  await expect.poll(() => page.frame({ name })?.url() ?? '').toMatch(/^http/)
  return page.frame({ name })!
}

const hostDelivered = (page: Page, system: string) => page.evaluate((system) => window.hostApp!.delivered.filter((e) => e.system === system), system)
const frameDelivered = (frame: Frame, system: string) => frame.evaluate((system) => window.frameApp!.delivered.filter((e) => e.system === system), system)
const numbers = (events: readonly Delivered[]) => events.map((event) => event.n)
const oneTo = (count: number) => Array.from({ length: count }, (_, i) => i + 1)

test('events cross both ways once each and in order, keep their identity, and neither echo nor loop through the frame origin’s own sync', async ({ page }) => {
  const { check } = await openHost(page)
  const frameBus = uniqueName('frame')
  const { frame, index } = await connectFrame(page, 'checkout', frameBus)
  // A second context of the frame's origin on the same bus (a sibling frame, not bridged): the
  // frame's sync carries to it what the bridge brought in, and from it what it sends.
  await page.evaluate((src) => void window.hostApp!.embed(src, 'sibling'), frameUrl(frameBus, false))
  const sibling = await frameNamed(page, 'sibling')
  await sibling.waitForFunction(() => window.frameApp !== undefined)

  await page.evaluate(() => window.hostApp!.send('cart', 'item.added', 50))
  await frame.evaluate(() => window.frameApp!.send('checkout.steps', 'step.done', 50))
  await sibling.evaluate(() => window.frameApp!.send('checkout.sibling', 'step.done', 20))
  // Host to frame: in order, identity kept.
  await expect.poll(async () => numbers(await frameDelivered(frame, 'cart'))).toEqual(oneTo(50))
  // Frame (and its sibling, through the frame's sync) to host: in order.
  await expect.poll(async () => numbers(await hostDelivered(page, 'checkout.steps'))).toEqual(oneTo(50))
  await expect.poll(async () => numbers(await hostDelivered(page, 'checkout.sibling'))).toEqual(oneTo(20))
  const hostCart = await hostDelivered(page, 'cart')
  expect((await frameDelivered(frame, 'cart')).map((e) => e.id)).toEqual(hostCart.map((e) => e.id))
  expect((await hostDelivered(page, 'checkout.steps')).map((e) => e.id)).toEqual((await frameDelivered(frame, 'checkout.steps')).map((e) => e.id))
  await expect.poll(async () => numbers(await frameDelivered(sibling, 'cart'))).toEqual(oneTo(50))

  // Markers, each way, after everything: an echo of anything above would have been posted before them.
  await page.evaluate(() => window.hostApp!.send('cart', 'marker', 1))
  await frame.evaluate(() => window.frameApp!.send('checkout.steps', 'marker', 1))
  await expect.poll(async () => (await frameDelivered(sibling, 'cart')).length).toBe(51)
  await expect.poll(async () => (await hostDelivered(page, 'checkout.steps')).length).toBe(51)
  await expect.poll(async () => (await frameDelivered(frame, 'cart')).length).toBe(51)
  await expect.poll(async () => (await frameDelivered(sibling, 'checkout.steps')).length).toBe(51)
  expect(await hostDelivered(page, 'cart')).toHaveLength(51)
  expect(await frameDelivered(frame, 'checkout.steps')).toHaveLength(51)
  expect(await frameDelivered(sibling, 'checkout.sibling')).toHaveLength(20)
  expect(await frameDelivered(frame, 'checkout.sibling')).toHaveLength(20)

  const hostStats = await page.evaluate((index) => window.hostApp!.bridges[index]!.stats(), index)
  const frameStats = await frame.evaluate(() => window.frameApp!.bridge!.stats())
  // The frame sent up what its origin sent (its own 51 and the sibling's 20), never the host's cart back.
  expect(frameStats).toMatchObject({ sent: 71, received: 51, refused: 0, malformed: 0, forged: 0, connections: 1 })
  expect(hostStats).toMatchObject({ sent: 51, received: 71, refused: 0, duplicates: 0, malformed: 0, forged: 0, connections: 1 })
  expect(await page.evaluate(() => window.hostApp!.errors)).toEqual([])
  check()
})

test('a frame of a third, unlisted origin gets nothing and injects nothing; its messages are counted as forged', async ({ page }) => {
  const { check } = await openHost(page)
  const frameBus = uniqueName('frame')
  const { frame, index: listed } = await connectFrame(page, 'checkout', frameBus)
  // The host expects its listed origin in this iframe too, but the iframe shows the intruder.
  const unlisted = await page.evaluate(
    ([src, options]) => window.hostApp!.connect(src, 'intruder', options as ConnectFrameOptions),
    [`${intruder.origin}/intruder.html`, { webOrigin: FRAME_ORIGIN, policy: { send: ['**'], subscribe: ['**'] } }] as const,
  )
  const intruderFrame = await frameNamed(page, 'intruder')
  await intruderFrame.waitForFunction(() => (window as unknown as { taggedPosts?: number }).taggedPosts === 3)
  // Its three tagged messages reached the host's window and were refused there.
  await expect.poll(() => page.evaluate((index) => window.hostApp!.bridges[index]!.stats().forged, unlisted)).toBe(3)

  await page.evaluate(() => window.hostApp!.send('cart', 'item.added', 5))
  await expect.poll(async () => numbers(await frameDelivered(frame, 'cart'))).toEqual(oneTo(5))
  expect(await intruderFrame.evaluate(() => (window as unknown as { got: unknown[] }).got)).toEqual([])
  expect(await hostDelivered(page, 'payments')).toEqual([])
  expect(await page.evaluate((index) => window.hostApp!.statuses[index], unlisted)).toEqual(['connecting'])
  expect(await page.evaluate((index) => window.hostApp!.bridges[index]!.stats(), unlisted)).toMatchObject({ sent: 0, received: 0, connections: 0 })
  // The listed frame's bridge is not the judge of another iframe's messages.
  expect(await page.evaluate((index) => window.hostApp!.bridges[index]!.stats().forged, listed)).toBe(0)
  check()
})

test('a frame whose policy does not allow payments.* cannot send them: refused, counted, reported on both ends, nothing delivered', async ({ page }) => {
  const { check } = await openHost(page)
  const { frame, index } = await connectFrame(page, 'checkout', uniqueName('frame'), { policy: { send: ['checkout.*'], subscribe: ['cart'], deny: { send: ['payments.*'] } } })
  await frame.evaluate(() => {
    window.frameApp!.send('payments.card', 'payment.captured', 3)
    window.frameApp!.send('checkout.steps', 'step.done', 1)
  })
  // The allowed event after them arrives: the refused ones were judged before it.
  await expect.poll(async () => numbers(await hostDelivered(page, 'checkout.steps'))).toEqual([1])
  expect(await hostDelivered(page, 'payments.card')).toEqual([])
  expect(await page.evaluate((index) => window.hostApp!.bridges[index]!.stats(), index)).toMatchObject({ received: 1, refused: 3 })
  expect(await page.evaluate(() => window.hostApp!.errors)).toEqual(['FRAME_POLICY_DENIED', 'FRAME_POLICY_DENIED', 'FRAME_POLICY_DENIED'])
  expect(await page.evaluate(() => window.hostApp!.bus.stats().dropped)).toBe(3)
  // The frame hears of it.
  await expect.poll(() => frame.evaluate(() => window.frameApp!.errors)).toEqual(['FRAME_POLICY_DENIED'])
  check()
})

test('forged window messages from a page script are ignored and counted, on the host and in the frame', async ({ page }) => {
  const { check } = await openHost(page)
  const { frame, index } = await connectFrame(page, 'checkout', uniqueName('frame'))
  const event = ['forged-1', 'forged', 1, 'checkout.steps', 'step.done', '/forged', Date.now(), { n: 99 }]
  await page.evaluate((event) => {
    const tag = 'crossbus/frames'
    const channel = new MessageChannel()
    postMessage({ crossbus: tag, v: 1, type: 'hello', doc: 'forgeddoc1' }, '*', [channel.port2])
    channel.port1.postMessage({ v: 1, type: 'events', events: [event] })
    postMessage({ crossbus: tag, v: 1, type: 'connect', doc: 'forgeddoc2' }, '*')
    postMessage({ crossbus: tag, v: 1, type: 'events', events: [event] }, '*')
    postMessage({ crossbus: tag, v: 2, type: 'hello', doc: 'forgeddoc3' }, '*')
    // Not of the protocol: left alone, not counted.
    postMessage({ v: 1, type: 'events', events: [event] }, '*')
    postMessage('hello', '*')
  }, event)
  await frame.evaluate((event) => {
    const tag = 'crossbus/frames'
    const channel = new MessageChannel()
    postMessage({ crossbus: tag, v: 1, type: 'connect', doc: 'forgeddoc4' }, '*', [channel.port2])
    channel.port1.postMessage({ v: 1, type: 'events', events: [{ ...event }] })
    postMessage({ crossbus: tag, v: 1, type: 'ping' }, '*')
  }, event)
  await expect.poll(() => page.evaluate((index) => window.hostApp!.bridges[index]!.stats().forged, index)).toBe(4)
  await expect.poll(() => frame.evaluate(() => window.frameApp!.bridge!.stats().forged)).toBe(2)

  // The real connection is unmoved: one port, and events still cross both ways after the forgeries.
  await page.evaluate(() => window.hostApp!.send('cart', 'item.added', 1))
  await frame.evaluate(() => window.frameApp!.send('checkout.steps', 'step.done', 1))
  await expect.poll(async () => numbers(await hostDelivered(page, 'checkout.steps'))).toEqual([1])
  await expect.poll(async () => numbers(await frameDelivered(frame, 'cart'))).toEqual([1])
  expect(await page.evaluate((index) => window.hostApp!.bridges[index]!.stats(), index)).toMatchObject({ connections: 1, received: 1, malformed: 0 })
  expect(await frame.evaluate(() => window.frameApp!.bridge!.stats())).toMatchObject({ connections: 1, received: 1, malformed: 0 })
  expect(await page.evaluate(() => window.hostApp!.errors)).toEqual([])
  check()
})

test('a reloaded frame connects again over a new port, and events cross both ways after', async ({ page }) => {
  const { check } = await openHost(page)
  const frameBus = uniqueName('frame')
  const { frame, index } = await connectFrame(page, 'checkout', frameBus)
  await page.evaluate(() => window.hostApp!.send('cart', 'item.added', 2))
  await expect.poll(async () => numbers(await frameDelivered(frame, 'cart'))).toEqual([1, 2])

  await frame.goto(frameUrl(frameBus))
  await frame.waitForFunction(() => window.frameApp?.statuses.at(-1) === 'connected')
  await expect.poll(() => page.evaluate((index) => window.hostApp!.bridges[index]!.stats().connections, index)).toBe(2)
  expect(await page.evaluate((index) => window.hostApp!.statuses[index], index)).toEqual(['connecting', 'connected', 'connecting', 'connected'])

  await page.evaluate(() => window.hostApp!.send('cart', 'item.removed', 3))
  await frame.evaluate(() => window.frameApp!.send('checkout.steps', 'step.done', 3))
  await expect.poll(async () => numbers(await frameDelivered(frame, 'cart'))).toEqual([1, 2, 3])
  await expect.poll(async () => numbers(await hostDelivered(page, 'checkout.steps'))).toEqual([1, 2, 3])
  expect(await page.evaluate(() => window.hostApp!.errors)).toEqual([])
  check()
})

test('with replay, each connection of the frame gets the stored history first, then live events, none twice', async ({ page }) => {
  const { check } = await openHost(page)
  const frameBus = uniqueName('frame')
  // History from before the frame exists, of a system it receives and of one it does not.
  await page.evaluate(() => {
    window.hostApp!.send('cart', 'item.added', 3)
    window.hostApp!.send('orders', 'order.created', 2)
  })
  const { frame, index } = await connectFrame(page, 'checkout', frameBus, { replay: '{cart,orders}' })
  await expect.poll(async () => numbers(await frameDelivered(frame, 'cart'))).toEqual([1, 2, 3])
  await page.evaluate(() => window.hostApp!.send('cart', 'item.removed', 1))
  await expect.poll(async () => (await frameDelivered(frame, 'cart')).length).toBe(4)
  const ids = (await frameDelivered(frame, 'cart')).map((event) => event.id)
  expect(ids).toEqual((await hostDelivered(page, 'cart')).map((event) => event.id))

  // A reloaded frame starts empty and gets the whole history again, in order, each event once.
  await frame.goto(frameUrl(frameBus))
  await frame.waitForFunction(() => window.frameApp?.statuses.at(-1) === 'connected')
  await expect.poll(async () => (await frameDelivered(frame, 'cart')).map((event) => event.id)).toEqual(ids)
  await page.evaluate(() => window.hostApp!.send('cart', 'cart.cleared', 1))
  await expect.poll(async () => (await frameDelivered(frame, 'cart')).length).toBe(5)
  expect(await frameDelivered(frame, 'orders')).toEqual([])
  expect(await page.evaluate((index) => window.hostApp!.bridges[index]!.stats().connections, index)).toBe(2)
  check()
})

test('a frame that floods the host with 100,000 events is cut off at maxEventsPerSecond, and the host stays responsive', async ({ page }) => {
  const { check } = await openHost(page)
  const { frame, index } = await connectFrame(page, 'checkout', uniqueName('frame'), { maxEventsPerSecond: 2000 })
  await frame.evaluate(() => window.frameApp!.send('checkout.flood', 'step.done', 100_000))

  await expect.poll(() => page.evaluate((index) => window.hostApp!.statuses[index]!.at(-1), index)).toBe('closed:FRAME_FLOODED')
  expect(await page.evaluate(() => window.hostApp!.errors)).toEqual(['FRAME_FLOODED'])
  const delivered = await hostDelivered(page, 'checkout.flood')
  // What it let through before the cut came in order, and it is within the bound (one second's worth, and what refilled meanwhile).
  expect(delivered.length).toBeGreaterThanOrEqual(2000)
  expect(delivered.length).toBeLessThan(100_000)
  expect(numbers(delivered)).toEqual(oneTo(delivered.length))
  // The host carries on: a local send is delivered to its subscribers at once.
  expect(
    await page.evaluate(() => {
      const { bus, delivered } = window.hostApp!
      bus.send('cart', 'item.added', '/cart/after-flood', { n: -1 })
      return delivered.at(-1)?.n
    }),
  ).toBe(-1)
  // The frame heard it was cut off, and its bridge is closed.
  await expect.poll(() => frame.evaluate(() => window.frameApp!.statuses.at(-1))).toBe('closed:FRAME_CLOSED')
  expect(await frame.evaluate(() => window.frameApp!.errors)).toEqual(['FRAME_CLOSED'])
  check()
})
