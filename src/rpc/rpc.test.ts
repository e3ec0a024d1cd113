import { afterEach, describe, expect, it, vi } from 'vitest'
import { createBus, type Bus, type BusEvent } from '../core/index'
import { sync } from '../sync/index'
import { catchError } from '../testing/catch-error'
import { createHub } from '../testing/hub'
import { requests } from './index'
import { fromWireError, readProtocol, toWireError } from './wire'
import { checkRequestOptions } from './requester'
import { BusError } from '../core/index'

const buses: Bus[] = []
afterEach(async () => {
  await Promise.all(buses.splice(0).map((bus) => bus.close()))
})

/** Buses linked by an in-memory channel, as tabs are by BroadcastChannel. */
function contexts(count: number, claimWindowMs = 200): Bus[] {
  const hub = createHub()
  return Array.from({ length: count }, () => {
    const bus = createBus({ name: 'rpc', plugins: [sync({ environment: { kind: 'window', open: hub.open } }), requests({ claimWindowMs })] })
    buses.push(bus)
    return bus
  })
}

const never = new Promise<never>(() => {})

/** The BusError a promise rejects with; fails the test if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<BusError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof BusError) return error
    throw error
  }
  throw new Error('expected a rejection, the promise resolved')
}

describe('request and handle', () => {
  it('a handler in another context answers, with the request event it was sent', async () => {
    const [asker, answerer] = contexts(2)
    const seen: BusEvent[] = []
    await answerer!.handle('cart', 'cart.price', (event) => {
      seen.push(event)
      return { total: (event.data as { items: string[] }).items.length * 5 }
    }).ready
    await expect(asker!.request('cart', 'cart.price', '/cart', { items: ['a', 'b'] })).resolves.toEqual({ total: 10 })
    expect(seen.map((e) => [e.path, e.origin])).toEqual([['/cart', asker!.origin]])
  })

  it('requests and replies are ordinary events every context sees', async () => {
    const [asker, answerer, watcher] = contexts(3)
    const kinds: string[] = []
    watcher!.subscribe('cart').subscribe((e) => kinds.push(e.kind))
    await answerer!.handle('cart', 'cart.price', () => 1).ready
    await asker!.request('cart', 'cart.price', '/cart')
    await vi.waitFor(() => expect(kinds).toEqual(['cart.price', 'cart.price.claim', 'cart.price.grant', 'cart.price.reply']))
  })

  it('two handlers in two contexts: the first claim answers, the other never runs', async () => {
    const [asker, one, two] = contexts(3)
    const ran: string[] = []
    await one!.handle('cart', 'cart.price', () => (ran.push('one'), 'one')).ready
    await two!.handle('cart', 'cart.price', () => (ran.push('two'), 'two')).ready
    const replies = await Promise.all([1, 2, 3].map(() => asker!.request('cart', 'cart.price', '/cart')))
    expect(replies.every((r) => r === 'one' || r === 'two')).toBe(true)
    expect(ran).toHaveLength(3)
  })

  it('the next request of a kind is granted straight to the context that answered it last', async () => {
    const [asker, answerer, watcher] = contexts(3)
    const kinds: string[] = []
    watcher!.subscribe('cart').subscribe((e) => kinds.push(e.kind))
    await answerer!.handle('cart', 'cart.price', () => 1).ready
    await asker!.request('cart', 'cart.price', '/cart')
    await vi.waitFor(() => expect(kinds).toHaveLength(4))
    await asker!.request('cart', 'cart.price', '/cart')
    // The grant travels with the request; the claim only acknowledges it.
    await vi.waitFor(() => expect(kinds.slice(4)).toEqual(['cart.price', 'cart.price.grant', 'cart.price.claim', 'cart.price.reply']))
  })

  it('when the context answered last stops handling, another claim answers after the claim window, once', async () => {
    const [asker, first, second] = contexts(3, 400)
    const ran: string[] = []
    const one = first!.handle('cart', 'cart.price', () => (ran.push('first'), 'first'))
    await one.ready
    await expect(asker!.request('cart', 'cart.price', '/cart')).resolves.toBe('first')
    await one.close()
    await second!.handle('cart', 'cart.price', () => (ran.push('second'), 'second')).ready
    await expect(asker!.request('cart', 'cart.price', '/cart')).resolves.toBe('second')
    await expect(asker!.request('cart', 'cart.price', '/cart')).resolves.toBe('second')
    expect(ran).toEqual(['first', 'second', 'second'])
  })

  it('a handler in the requesting context wins over the others (it claims first)', async () => {
    const [asker, other] = contexts(2)
    await other!.handle('cart', 'cart.price', () => 'other').ready
    await asker!.handle('cart', 'cart.price', () => 'local').ready
    await expect(asker!.request('cart', 'cart.price', '/cart')).resolves.toBe('local')
  })

  it('no handler anywhere: NOT_FOUND after the claim window, not a timeout', async () => {
    const [asker] = contexts(2, 50)
    const error = await rejection(asker!.request('cart', 'cart.price', '/cart', undefined, { timeoutMs: 60_000 }))
    expect(error).toMatchObject({ code: 'NOT_FOUND', kind: 'NOT_FOUND', retryable: false })
  })

  it('a slow handler: TIMEOUT, retryable, and the handler is told to stop', async () => {
    const [asker, answerer] = contexts(2)
    let signal: AbortSignal | undefined
    await answerer!.handle('cart', 'cart.price', (_e, context) => ((signal = context.signal), never)).ready
    const error = await rejection(asker!.request('cart', 'cart.price', '/cart', undefined, { timeoutMs: 300 }))
    expect(error).toMatchObject({ code: 'TIMEOUT', kind: 'TIMEOUT', retryable: true })
    await vi.waitFor(() => expect(signal?.aborted).toBe(true))
  })

  it('a throwing handler: its message reaches the caller; a BusError keeps its code', async () => {
    const [asker, answerer] = contexts(2)
    await answerer!.handle('cart', 'cart.price', () => {
      throw new Error('out of stock: sku-1')
    }).ready
    await answerer!.handle('cart', 'cart.check', async () => {
      throw new BusError({ kind: 'PERMISSION_DENIED', code: 'CART_LOCKED', message: 'locked', retryable: true })
    }).ready
    expect(await rejection(asker!.request('cart', 'cart.price', '/cart'))).toMatchObject({ code: 'REQUEST_FAILED', message: 'out of stock: sku-1' })
    expect(await rejection(asker!.request('cart', 'cart.check', '/cart'))).toMatchObject({ code: 'CART_LOCKED', kind: 'PERMISSION_DENIED', retryable: true })
  })

  it('a reply that cannot travel fails the request with why', async () => {
    const [asker, answerer] = contexts(2)
    await answerer!.handle('cart', 'cart.price', () => ({ format: () => 1 })).ready
    expect(await rejection(asker!.request('cart', 'cart.price', '/cart'))).toMatchObject({ code: 'SYNC_NOT_CLONABLE' })
  })

  it('an AbortSignal cancels, before and during the request', async () => {
    const [asker, answerer] = contexts(2)
    let handlerSignal: AbortSignal | undefined
    await answerer!.handle('cart', 'cart.price', (_e, context) => ((handlerSignal = context.signal), never)).ready
    const before = new AbortController()
    before.abort()
    expect(await rejection(asker!.request('cart', 'cart.price', '/cart', undefined, { signal: before.signal }))).toMatchObject({ code: 'REQUEST_CANCELED', kind: 'CANCELED' })
    const during = new AbortController()
    const pending = rejection(asker!.request('cart', 'cart.price', '/cart', undefined, { signal: during.signal }))
    await vi.waitFor(() => expect(handlerSignal).toBeDefined())
    during.abort()
    expect(await pending).toMatchObject({ code: 'REQUEST_CANCELED' })
    await vi.waitFor(() => expect(handlerSignal!.aborted).toBe(true))
  })

  it('a handler closed mid-request fails the request at once (REQUEST_HANDLER_GONE, retryable)', async () => {
    const [asker, answerer] = contexts(2)
    let started = false
    const pricing = answerer!.handle('cart', 'cart.price', () => ((started = true), never))
    await pricing.ready
    const pending = rejection(asker!.request('cart', 'cart.price', '/cart'))
    await vi.waitFor(() => expect(started).toBe(true))
    await pricing.close()
    expect(await pending).toMatchObject({ code: 'REQUEST_HANDLER_GONE', retryable: true })
    expect(pricing.stats()).toEqual({ answered: 1, failed: 1 })
  })

  it('a scoped handle may request and handle only where its policy allows', async () => {
    const [asker, answerer] = contexts(2)
    const scoped = asker!.scope({ send: ['orders'], subscribe: ['orders'] })
    expect(await rejection(scoped.request('cart', 'cart.price', '/cart'))).toMatchObject({ code: 'POLICY_DENIED' })
    expect(catchError(() => answerer!.scope({ send: ['orders'], subscribe: ['orders'] }).handle('cart', 'cart.price', () => 1))).toMatchObject({ code: 'POLICY_DENIED' })
    await answerer!.scope({ send: ['cart'], subscribe: ['cart'] }).handle('cart', 'cart.price', () => 7).ready
    await expect(asker!.scope({ send: ['cart'] }).request('cart', 'cart.price', '/cart')).resolves.toBe(7)
  })

  it('refuses bad arguments clearly', async () => {
    const [bus] = contexts(1)
    expect(await rejection(bus!.request('cart', 'cart.price', '/cart', undefined, { timeoutMs: -1 }))).toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect(catchError(() => bus!.handle('cart.*', 'cart.price', () => 1))).toMatchObject({ code: 'INVALID_SYSTEM' })
    expect(catchError(() => bus!.handle('cart', 'cart.price', 'nope' as never))).toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect(await rejection(bus!.request('cart', 'cart.price', ''))).toMatchObject({ code: 'EMPTY_PATH' })
  })

  it('a bus without the plugin says REQUESTS_NOT_ENABLED', async () => {
    const bus = createBus({ name: 'plain' })
    buses.push(bus)
    expect(await rejection(bus.request('cart', 'cart.price', '/cart'))).toMatchObject({ code: 'REQUESTS_NOT_ENABLED' })
    expect(catchError(() => bus.handle('cart', 'cart.price', () => 1))).toMatchObject({ code: 'REQUESTS_NOT_ENABLED' })
  })
})

describe('the wire', () => {
  const event = (kind: string, data: unknown) => ({ id: 'x-1', system: 'cart', kind, path: '/c', data, time: 1, origin: 'x', seq: 1 }) as BusEvent
  it('reads protocol events and nothing else', () => {
    expect(readProtocol(event('cart.price.claim', { request: 'r-1' }))).toMatchObject({ verb: 'claim', kind: 'cart.price', request: 'r-1' })
    expect(readProtocol(event('cart.price', { request: 'r-1' }))).toBeUndefined()
    expect(readProtocol(event('claim', { request: 'r-1' }))).toBeUndefined()
    expect(readProtocol(event('cart.price.reply', { request: 1 }))).toBeUndefined()
    expect(readProtocol(event('cart.price.reply', null))).toBeUndefined()
  })
  it('carries a handler error and rebuilds it', () => {
    expect(fromWireError(toWireError(new Error('boom')))).toMatchObject({ code: 'REQUEST_FAILED', message: 'boom' })
    expect(fromWireError(toWireError('text'))).toMatchObject({ code: 'REQUEST_FAILED', message: 'text' })
    expect(fromWireError(42)).toMatchObject({ code: 'REQUEST_FAILED' })
  })
  it('checks request options', () => {
    expect(checkRequestOptions({ timeoutMs: 5 })).toEqual({ timeoutMs: 5 })
    expect(catchError(() => checkRequestOptions({ timeout: 5 } as never))).toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect(catchError(() => checkRequestOptions({ signal: {} as never }))).toMatchObject({ code: 'INVALID_ARGUMENT' })
  })
})
