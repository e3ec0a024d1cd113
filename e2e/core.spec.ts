// The core bus in real Chromium: routing, kind filters, channels, async iteration, close and
// stats, error reporting, BusError fields, scoped policies, a DOM-less module worker, and an
// import that touches no browser storage or messaging API. Each test runs its scenario inside the
// page (see smoke.spec.ts for how) and asserts on what the page returns.
import { expect, test } from '@playwright/test'
import { watchPage } from './support/watch-page'

type Lib = typeof import('../src/index')

const LIB = '/src/index.ts'

test.beforeEach(async ({ page }) => {
  await page.goto('/e2e/fixtures/blank.html')
})

test('subscribers receive by system glob and kind filter, synchronously and in send order', async ({ page }) => {
  const checkPage = watchPage(page)
  const result = await page.evaluate(async (url) => {
    const { createBus }: Lib = await import(url)
    const bus = createBus({ name: 'routing' })
    const got: Record<string, string[]> = { one: [], any: [], exact: [], braces: [], created: [] }
    const note = (key: string) => (e: { system: string; kind: string }) => got[key]!.push(`${e.system}:${e.kind}`)
    bus.subscribe('orders.*').subscribe(note('one'))
    bus.subscribe('orders.**').subscribe(note('any'))
    bus.subscribe('orders').subscribe(note('exact'))
    bus.subscribe('{orders,users}.eu').subscribe(note('braces'))
    bus.subscribe('users', 'user.created').subscribe(note('created'))

    const first = bus.send('orders', 'order.created', '/orders/1', { total: 1 })
    const seenSync = got.exact!.length
    bus.send('orders.eu', 'order.paid', '/orders/1')
    bus.send('orders.eu.west', 'order.created', '/orders/2')
    bus.send('users', 'user.deleted', '/users/1')
    bus.send('users', 'user.created', '/users/2')
    bus.send('users.eu', 'user.created', '/users/3')
    const second = bus.send('users', 'user.created', '/users/4')
    bus.close()
    return {
      got,
      seenSync,
      first: { ...first },
      idShape: first.id === `${bus.origin}-${first.seq}`,
      seqIncreases: second.seq > first.seq,
      timeIsNow: Math.abs(first.time - Date.now()) < 60_000,
    }
  }, LIB)

  expect(result.seenSync).toBe(1)
  expect(result.got).toEqual({
    one: ['orders.eu:order.paid'],
    any: ['orders:order.created', 'orders.eu:order.paid', 'orders.eu.west:order.created'],
    exact: ['orders:order.created'],
    braces: ['orders.eu:order.paid', 'users.eu:user.created'],
    created: ['users:user.created', 'users:user.created'],
  })
  expect(result.first).toMatchObject({ system: 'orders', kind: 'order.created', path: '/orders/1', data: { total: 1 } })
  expect(result.idShape).toBe(true)
  expect(result.seqIncreases).toBe(true)
  expect(result.timeIsNow).toBe(true)
  checkPage()
})

test('a channel buffers from its first call, is the same on every call, and ends once closed and drained', async ({ page }) => {
  const checkPage = watchPage(page)
  const result = await page.evaluate(async (url) => {
    const { createBus }: Lib = await import(url)
    const bus = createBus({ name: 'channel' })
    const sub = bus.subscribe('orders')
    bus.send('orders', 'order.created', '/orders/0') // before the channel: not buffered
    const channel = sub.channel()
    const same = channel === sub.channel()
    bus.send('orders', 'order.created', '/orders/1')
    bus.send('orders', 'order.paid', '/orders/1')
    const buffered = bus.stats().buffered
    const first = await channel.receive()
    const second = await channel.receive()
    // A reader that waits gets the next send.
    const early = channel.receive()
    bus.send('orders', 'order.shipped', '/orders/1')
    const third = await early
    bus.send('orders', 'order.closed', '/orders/1')
    sub.close()
    const afterClose = await channel.receive() // still drains what it holds
    const end = await channel.receive()
    bus.close()
    return {
      same,
      buffered,
      kinds: [first, second, third, afterClose].map((r) => (r.ok ? r.value.kind : 'none')),
      end: { ok: end.ok, value: end.value },
      closed: channel.closed,
    }
  }, LIB)

  expect(result.same).toBe(true)
  expect(result.buffered).toBe(2)
  expect(result.kinds).toEqual(['order.created', 'order.paid', 'order.shipped', 'order.closed'])
  expect(result.end).toEqual({ ok: false, value: undefined })
  expect(result.closed).toBe(true)
  checkPage()
})

test('for await reads a subscription, and leaving the loop closes it', async ({ page }) => {
  const checkPage = watchPage(page)
  const result = await page.evaluate(async (url) => {
    const { createBus }: Lib = await import(url)
    const bus = createBus({ name: 'iterate' })
    const users = bus.subscribe('users', 'user.created')
    const iterated = (async () => {
      const paths: string[] = []
      for await (const e of users) {
        paths.push(e.path)
        if (paths.length === 2) break
      }
      return paths
    })()
    bus.send('users', 'user.created', '/users/1')
    bus.send('users', 'user.deleted', '/users/1')
    bus.send('users', 'user.created', '/users/2')
    const paths = await iterated
    const after = { closed: users.closed, subscriptions: bus.stats().subscriptions }
    bus.close()
    return { paths, after }
  }, LIB)

  expect(result.paths).toEqual(['/users/1', '/users/2'])
  expect(result.after).toEqual({ closed: true, subscriptions: 0 })
  checkPage()
})

test('close is idempotent, completes observers and brings stats back down', async ({ page }) => {
  const checkPage = watchPage(page)
  const result = await page.evaluate(async (url) => {
    const { createBus, BusError }: Lib = await import(url)
    const bus = createBus({ name: 'close' })
    let completed = 0
    const a = bus.subscribe('orders')
    a.subscribe({ complete: () => completed++ })
    const b = bus.subscribe('orders.**')
    b.subscribe(() => {})
    b.subscribe(() => {})
    bus.send('orders', 'order.created', '/orders/1')
    const open = bus.stats()
    a.close()
    a.close()
    const afterOne = bus.stats()
    bus.close()
    bus.close()
    const afterBus = bus.stats()
    let sendAfterClose: unknown
    try {
      bus.send('orders', 'order.created', '/orders/2')
    } catch (error) {
      sendAfterClose = error instanceof BusError ? { kind: error.kind, code: error.code, retryable: error.retryable } : String(error)
    }
    return { open, afterOne, afterBus, completed, busClosed: bus.closed, bClosed: b.closed, sendAfterClose }
  }, LIB)

  expect(result.open).toMatchObject({ subscriptions: 2, sent: 1, delivered: 2 })
  expect(result.afterOne.subscriptions).toBe(1)
  expect(result.afterBus).toMatchObject({ subscriptions: 0, sent: 1, buffered: 0 })
  expect(result.completed).toBe(1)
  expect(result.busClosed).toBe(true)
  expect(result.bClosed).toBe(true)
  expect(result.sendAfterClose).toEqual({ kind: 'UNAVAILABLE', code: 'BUS_CLOSED', retryable: false })
  checkPage()
})

test('a throwing handler is reported on errors$ and the other subscribers still receive', async ({ page }) => {
  const checkPage = watchPage(page)
  const result = await page.evaluate(async (url) => {
    const { createBus, BusError }: Lib = await import(url)
    const bus = createBus({ name: 'errors' })
    const errors: Array<{ isBusError: boolean; kind: string; code: string; cause: string }> = []
    bus.errors$.subscribe((e) => errors.push({ isBusError: e instanceof BusError, kind: e.kind, code: e.code, cause: String(e.cause) }))
    const got: string[] = []
    bus.subscribe('orders').subscribe(() => got.push('before'))
    bus.subscribe('orders').subscribe(() => {
      throw new Error('handler broke')
    })
    bus.subscribe('orders').subscribe({
      next: () => {
        throw new Error('observer broke')
      },
    })
    bus.subscribe('orders').subscribe(() => got.push('after'))
    bus.send('orders', 'order.created', '/orders/1')
    bus.send('orders', 'order.created', '/orders/2')
    const stats = bus.stats()
    bus.close()
    return { got, errors, stats }
  }, LIB)

  expect(result.got).toEqual(['before', 'after', 'before', 'after'])
  expect(result.errors).toHaveLength(4)
  expect(result.errors[0]).toEqual({ isBusError: true, kind: 'INTERNAL', code: 'HANDLER_FAILED', cause: 'Error: handler broke' })
  expect(result.errors[1]).toMatchObject({ code: 'HANDLER_FAILED', cause: 'Error: observer broke' })
  expect(result.stats).toMatchObject({ sent: 2, errors: 4 })
  checkPage()
})

test('bad input and a denied policy throw an INVALID, non-retryable BusError and deliver nothing', async ({ page }) => {
  const checkPage = watchPage(page)
  const result = await page.evaluate(async (url) => {
    const { createBus, BusError }: Lib = await import(url)
    const bus = createBus({ name: 'invalid', policy: { send: ['orders.**'], subscribe: ['**'] } })
    let delivered = 0
    bus.subscribe('**').subscribe(() => delivered++)
    const attempt = (fn: () => unknown) => {
      try {
        fn()
        return 'no error'
      } catch (error) {
        if (!(error instanceof BusError)) return `not a BusError: ${String(error)}`
        return {
          isError: error instanceof Error,
          name: error.name,
          kind: error.kind,
          code: error.code,
          retryable: error.retryable,
          hasMessage: error.message.length > 20,
        }
      }
    }
    const outcomes = {
      emptySystem: attempt(() => bus.send('', 'order.created', '/orders/1')),
      emptyKind: attempt(() => bus.send('orders', '', '/orders/1')),
      emptyPath: attempt(() => bus.send('orders', 'order.created', '')),
      denied: attempt(() => bus.send('users', 'user.created', '/users/1')),
      emptyPattern: attempt(() => bus.subscribe('')),
      malformedPattern: attempt(() => bus.subscribe('orders.{eu')),
      notAString: attempt(() => bus.send(42 as unknown as string, 'order.created', '/orders/1')),
    }
    const stats = bus.stats()
    bus.close()
    return { outcomes, delivered, sent: stats.sent }
  }, LIB)

  const invalid = (code: string) => ({ isError: true, name: 'BusError', kind: 'INVALID', code, retryable: false, hasMessage: true })
  expect(result.outcomes).toEqual({
    emptySystem: invalid('EMPTY_SYSTEM'),
    emptyKind: invalid('EMPTY_KIND'),
    emptyPath: invalid('EMPTY_PATH'),
    denied: invalid('POLICY_DENIED'),
    emptyPattern: invalid('EMPTY_PATTERN'),
    malformedPattern: invalid('MALFORMED_PATTERN'),
    notAString: invalid('INVALID_ARGUMENT'),
  })
  expect(result.delivered).toBe(0)
  expect(result.sent).toBe(0)
  checkPage()
})

test('a scoped subscription never receives a system its policy does not allow, whatever the pattern', async ({ page }) => {
  const checkPage = watchPage(page)
  const result = await page.evaluate(async (url) => {
    const { createBus, BusError }: Lib = await import(url)
    const bus = createBus({ name: 'scoped' })
    const cart = bus.scope({ send: ['cart.*'], subscribe: ['cart.**', 'orders.public'], deny: { subscribe: ['cart.secret'] } })
    const got: Record<string, string[]> = {}
    for (const pattern of ['**', 'orders.**', '{orders,cart}.**', '*', '*.*', 'cart.**', 'orders.*']) {
      const seen: string[] = (got[pattern] = [])
      cart.subscribe(pattern).subscribe((e) => seen.push(e.system))
    }
    for (const system of ['orders', 'orders.public', 'orders.internal', 'cart', 'cart.items', 'cart.secret', 'users']) {
      bus.send(system, 'changed', '/x')
    }
    const received = JSON.parse(JSON.stringify(got)) as typeof got
    const codeOf = (fn: () => unknown) => {
      try {
        fn()
        return 'allowed'
      } catch (error) {
        return error instanceof BusError ? error.code : String(error)
      }
    }
    const refused = {
      subscribeExact: codeOf(() => cart.subscribe('orders.internal')),
      subscribeDenied: codeOf(() => cart.subscribe('cart.secret')),
      send: codeOf(() => cart.send('orders', 'changed', '/x')),
      sendAllowed: codeOf(() => cart.send('cart.items', 'changed', '/x')),
      narrowerScope: codeOf(() => cart.scope({ subscribe: ['**'] }).subscribe('users')),
    }
    bus.close()
    return { got: received, refused }
  }, LIB)

  expect(result.got).toEqual({
    '**': ['orders.public', 'cart', 'cart.items'],
    'orders.**': ['orders.public'],
    '{orders,cart}.**': ['orders.public', 'cart', 'cart.items'],
    '*': ['cart'],
    '*.*': ['orders.public', 'cart.items'],
    'cart.**': ['cart', 'cart.items'],
    'orders.*': ['orders.public'],
  })
  expect(result.refused).toEqual({
    subscribeExact: 'POLICY_DENIED',
    subscribeDenied: 'POLICY_DENIED',
    send: 'POLICY_DENIED',
    sendAllowed: 'allowed',
    narrowerScope: 'POLICY_DENIED',
  })
  checkPage()
})

test('in a dedicated module worker the library imports without touching the DOM and works', async ({ page }) => {
  const checkPage = watchPage(page)
  const report = await page.evaluate(async (url) => {
    const { runBusInWorker }: typeof import('./fixtures/core/worker') = await import(url)
    return runBusInWorker()
  }, '/e2e/fixtures/core/worker.ts')

  expect(report.error).toBeUndefined()
  expect(report.touchedOnImport).toEqual([])
  expect(report.touchedInUse).toEqual([])
  expect(report.received).toEqual([{ system: 'orders.eu', kind: 'order.created', path: '/orders/1', data: { total: 1 }, originMatches: true }])
  expect(report.stats).toEqual({ subscriptions: 1, sent: 3, delivered: 1 })
  checkPage()
})

test('importing the library without creating a bus touches no browser messaging or storage API', async ({ page }) => {
  const checkPage = watchPage(page)
  await page.addInitScript(() => {
    const touched: string[] = []
    Object.defineProperty(window, '__crossbusTouched', { value: touched })
    for (const name of ['BroadcastChannel', 'indexedDB', 'localStorage', 'sessionStorage', 'SharedWorker']) {
      Object.defineProperty(window, name, {
        configurable: true,
        get() {
          touched.push(name)
          throw new Error(`${name} was touched at import time`)
        },
      })
    }
  })
  await page.goto('/e2e/fixtures/blank.html')

  const result = await page.evaluate(async (url) => {
    const lib: Lib = await import(url)
    const touched = [...(window as unknown as { __crossbusTouched: string[] }).__crossbusTouched]
    let trapsWork = false
    try {
      void window.indexedDB
    } catch {
      trapsWork = true
    }
    return { exports: typeof lib.createBus === 'function' && typeof lib.BusError === 'function', touched, trapsWork }
  }, LIB)

  expect(result).toEqual({ exports: true, touched: [], trapsWork: true })
  checkPage()
})
