// Compiled by `npm run typecheck`: each `@ts-expect-error` proves a mistake is caught, each
// `assertType` proves what users get. Nothing here runs.
import { filter } from 'rxjs'
import { createBus, type BusEvent } from '../index'

type IsExact<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function assertType<T extends true>(_proof?: T): void {}

interface ShopEvents {
  orders: {
    'order.created': { order_id: string; total: number }
    'order.cancelled': { order_id: string; reason?: string }
  }
  system: { heartbeat: undefined }
}

const bus = createBus<ShopEvents>({ name: 'shop' })

// send checks kind and data against the system.
const created = bus.send('orders', 'order.created', '/orders/1', { order_id: '1', total: 9 })
assertType<IsExact<typeof created.data, { order_id: string; total: number }>>()
assertType<IsExact<typeof created.kind, 'order.created'>>()
bus.send('system', 'heartbeat', '/health')
// @ts-expect-error unknown system
bus.send('payments', 'payment.done', '/p/1', {})
// @ts-expect-error a kind of another system
bus.send('orders', 'heartbeat', '/x')
// @ts-expect-error wrong data
bus.send('orders', 'order.created', '/orders/1', { order_id: 1, total: 9 })
// @ts-expect-error data is required for this kind
bus.send('orders', 'order.created', '/orders/1')

// subscribe gives typed events.
const orders = bus.subscribe('orders')
orders.subscribe((e) => {
  assertType<IsExact<typeof e.system, 'orders'>>()
  if (e.kind === 'order.created') assertType<IsExact<typeof e.data.total, number>>()
  else assertType<IsExact<typeof e.data.reason, string | undefined>>()
})
const createdOnly = bus.subscribe('orders', 'order.created')
createdOnly.pipe(filter((e) => e.data.total > 10)).subscribe((e) => assertType<IsExact<typeof e.data.order_id, string>>())
void (async () => {
  const received = await createdOnly.channel().receive()
  if (received.ok) assertType<IsExact<typeof received.value.data.total, number>>()
  for await (const e of createdOnly) assertType<IsExact<typeof e.kind, 'order.created'>>()
})

// A glob gives the union of every event of the map.
bus.subscribe('**').subscribe((e) => {
  if (e.system === 'system') assertType<IsExact<typeof e.data, undefined>>()
})

// Scoped handles keep the map.
const scoped = bus.scope({ send: ['orders'] })
scoped.send('orders', 'order.cancelled', '/orders/1', { order_id: '1' })
// @ts-expect-error still typed
scoped.send('orders', 'order.cancelled', '/orders/1', { id: '1' })

// Untyped buses stay easy.
const loose = createBus()
const any = loose.send('anything', 'goes', '/here', { n: 1 })
assertType<IsExact<typeof any, BusEvent<unknown, 'anything', 'goes'>>>()
loose.send('anything', 'goes', '/here')
loose.subscribe('a.*', 'b').subscribe((e) => assertType<IsExact<typeof e.data, unknown>>())
