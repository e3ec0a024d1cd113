// The React examples of the README's React section, compiled by `npm run typecheck` (the README
// imports 'crossbus' and 'crossbus/react'; here they are the sources). Then type assertions.
import { createRoot } from 'react-dom/client'
import { createBus, type BusEvent } from '../index'
import { BusProvider, createBusHooks, useBus, useEvents as useUntypedEvents } from './index'

interface ShopEvents {
  cart: {
    'item.added': { sku: string; price: number }
    'cart.cleared': undefined
  }
}

const { useEvent, useEvents, useLatestEvent, useSend } = createBusHooks<ShopEvents>()

function AddButton({ sku, price }: { sku: string; price: number }) {
  const send = useSend() // stable: safe in dependency lists
  return <button onClick={() => send('cart', 'item.added', `/cart/${sku}`, { sku, price })}>Add</button>
}

function CartSummary() {
  const added = useEvents('cart', 'item.added', { limit: 50, replay: 'all' })
  const everything = useEvents('cart', { limit: Infinity, replay: 'all' }) // no kind: every kind of 'cart'
  const last = useLatestEvent('cart', 'item.added')
  useEvent('cart', 'cart.cleared', () => console.log('cart cleared'))
  const total = added.reduce((sum, event) => sum + event.data.price, 0)
  return (
    <p>
      {added.length} items, ${total} {last && `(last: ${last.data.sku})`}, {everything.length} cart events
    </p>
  )
}

const bus = createBus<ShopEvents>({ name: 'shop', replay: {} })

function Shop() {
  // Scoped once: the next render's equal policy keeps the handle, and every hook its events.
  return (
    <BusProvider bus={bus} policy={{ send: ['cart'], subscribe: ['cart'] }}>
      <AddButton sku="tea" price={4} />
      <CartSummary />
    </BusProvider>
  )
}

createRoot(document.getElementById('app')!).render(<Shop />)

// ---- Beyond the README: what the hooks' types promise. Nothing here runs.
type IsExact<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function assertType<T extends true>(_proof?: T): void {}

function TypeProofs() {
  const added = useEvents('cart', 'item.added')
  assertType<IsExact<(typeof added)[number]['data'], { sku: string; price: number }>>()
  const anyCart = useLatestEvent('cart')
  if (anyCart?.kind === 'cart.cleared') assertType<IsExact<typeof anyCart.data, undefined>>()
  const glob = useEvents('**', { limit: 5 })
  assertType<IsExact<(typeof glob)[number]['system'], 'cart'>>()
  useEvent('cart', (event) => assertType<IsExact<typeof event.system, 'cart'>>())
  const send = useSend()
  // @ts-expect-error data is checked against the kind
  send('cart', 'item.added', '/cart/tea', { sku: 'tea' })
  // @ts-expect-error limit is a number
  useEvents('cart', { limit: '5' })
  // Patterns and kinds are as strict as send: a typo is an error naming what exists.
  // @ts-expect-error "item.addd" is not a kind of cart ("item.added" | "cart.cleared")
  useEvents('cart', 'item.addd')
  // @ts-expect-error "crat" is not a system
  useLatestEvent('crat')
  // @ts-expect-error useEvent too
  useEvent('cart', 'item.addd', () => {})
  // @ts-expect-error a glob that matches no system
  useEvents('cart.*')
  // A glob narrows the events to what it matches.
  const items = useEvents('**', 'item.*', { limit: 5 })
  assertType<IsExact<(typeof items)[number]['kind'], 'item.added'>>()
  useEvent('{cart,orders}', 'cart.*', (event) => assertType<IsExact<typeof event.data, undefined>>())
  // Options without a kind: every kind of the pattern.
  const everyKind = useEvents('cart', { replay: 'all' })
  assertType<IsExact<(typeof everyKind)[number]['kind'], 'item.added' | 'cart.cleared'>>()
  const typedBus = useBus<ShopEvents>()
  typedBus.send('cart', 'cart.cleared', '/cart')
  // The plain hooks are untyped: any system, unknown data.
  const loose = useUntypedEvents('orders', 'order.created')
  assertType<IsExact<(typeof loose)[number], BusEvent<unknown, 'orders', 'order.created'>>>()
  return null
}
void TypeProofs

// A provider's policy: rules or a function, as `bus.scope` takes.
const cartOnly = (_action: string, system: string) => system === 'cart'
void (<BusProvider bus={bus} policy={cartOnly} />)
void (<BusProvider bus={bus} policy={{ send: ['cart'], deny: { subscribe: ['orders'] } }} />)
// @ts-expect-error a policy's lists are arrays of globs
void (<BusProvider bus={bus} policy={{ send: 'cart' }} />)
