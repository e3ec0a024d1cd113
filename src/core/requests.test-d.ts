// Compiled by `npm run typecheck`: request/reply typed from the event map. Nothing here runs.
import { createBus, type WithReply } from '../index'

type IsExact<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function assertType<T extends true>(_proof?: T): void {}

interface ShopEvents {
  cart: {
    'cart.price': WithReply<{ items: string[] }, { total: number }>
    'cart.count': WithReply<undefined, number>
    'cart.updated': { items: string[] }
  }
}

const bus = createBus<ShopEvents>({ name: 'shop' })

// The reply is typed from the map; data is checked like send's.
const priced = bus.request('cart', 'cart.price', '/cart', { items: ['a'] }, { timeoutMs: 100 })
assertType<IsExact<typeof priced, Promise<{ total: number }>>>()
const counted = bus.request('cart', 'cart.count', '/cart')
assertType<IsExact<typeof counted, Promise<number>>>()
bus.request('cart', 'cart.count', '/cart', undefined, { signal: new AbortController().signal })
// @ts-expect-error a kind without a reply type cannot be requested
bus.request('cart', 'cart.updated', '/cart', { items: [] })
// @ts-expect-error wrong request data
bus.request('cart', 'cart.price', '/cart', { items: [1] })
// @ts-expect-error request data is required for this kind
bus.request('cart', 'cart.price', '/cart')
// @ts-expect-error unknown option
bus.request('cart', 'cart.count', '/cart', undefined, { timeout: 5 })

// A handler gets the typed request and must return the reply type (or a promise of it).
bus.handle('cart', 'cart.price', (event) => {
  assertType<IsExact<typeof event.data.items, string[]>>()
  assertType<IsExact<typeof event.kind, 'cart.price'>>()
  return { total: event.data.items.length }
})
bus.handle('cart', 'cart.count', async (_event, { signal }) => (signal.aborted ? 0 : 1))
// @ts-expect-error the wrong reply type
bus.handle('cart', 'cart.price', () => ({ total: 'ten' }))
// @ts-expect-error a kind without a reply type cannot be handled
bus.handle('cart', 'cart.updated', () => 1)

// send and subscribe still take a request kind's data as it is.
bus.send('cart', 'cart.price', '/cart', { items: ['a'] })
bus.subscribe('cart', 'cart.price').subscribe((e) => assertType<IsExact<typeof e.data.items, string[]>>())

// A scoped handle has both; an untyped bus requests anything and gets `unknown`.
bus.scope({ send: ['cart'] }).request('cart', 'cart.count', '/cart')
const untyped = createBus({ name: 'any' })
assertType<IsExact<Awaited<ReturnType<typeof untyped.request>>, unknown>>()
untyped.handle('x', 'y', () => 1)

// A subscriber of the whole system also gets the protocol's events (claims, grants, replies,
// cancels: ordinary events of the system), typed `unknown`: it must narrow by kind before reading data.
bus.subscribe('cart').subscribe((e) => {
  assertType<IsExact<typeof e.kind, 'cart.price' | 'cart.count' | 'cart.updated' | `cart.${'price' | 'count'}.${'claim' | 'grant' | 'reply' | 'cancel'}`>>()
  if (e.kind === 'cart.updated') assertType<IsExact<typeof e.data.items, string[]>>()
  if (e.kind === 'cart.price.reply') assertType<IsExact<typeof e.data, unknown>>()
})
// A kind filter names kinds of the map (above, 'cart.price' gets only the requests); the protocol's are not.
// @ts-expect-error 'cart.price.*' matches no kind of the map
bus.subscribe('cart', 'cart.price.*')
