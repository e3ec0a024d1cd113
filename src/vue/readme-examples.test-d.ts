// The Vue examples of the README's Vue section, compiled by `npm run typecheck` (the README
// imports 'crossbus' and 'crossbus/vue'; here they are the sources). Then type assertions.
import { computed, createApp, defineComponent, h, ref } from 'vue'
import { createBus, type BusEvent } from '../index'
import { createBusComposables, createBusPlugin, provideBus, useEvents as useUntypedEvents } from './index'

interface ShopEvents {
  cart: {
    'item.added': { sku: string; price: number }
    'cart.cleared': undefined
  }
  orders: { 'order.placed': { id: string } }
}

const { useEvent, useEvents, useLatestEvent, useSend } = createBusComposables<ShopEvents>()

const CartSummary = defineComponent({
  setup() {
    const added = useEvents('cart', 'item.added', { limit: 50, replay: 'all' })
    const everything = useEvents('cart', { limit: Infinity, replay: 'all' }) // no kind: every kind of 'cart'
    const total = computed(() => added.value.reduce((sum, event) => sum + event.data.price, 0))
    // Pattern and kind may be refs or getters: changing one resubscribes.
    const watched = ref<'cart' | 'orders'>('cart')
    const latest = useLatestEvent(watched)
    useEvent('cart', 'cart.cleared', () => console.log('cart cleared'))
    const send = useSend()
    const clear = () => send('cart', 'cart.cleared', '/cart')
    return () =>
      h('p', [
        `${added.value.length} items, $${total.value} (latest: ${latest.value?.kind ?? 'none'}, ${everything.value.length} cart events) `,
        h('button', { onClick: clear }, 'Clear'),
      ])
  },
})

const bus = createBus<ShopEvents>({ name: 'shop', replay: {} })
createApp(CartSummary)
  .use(createBusPlugin(bus, { policy: { send: ['cart'], subscribe: ['cart', 'orders'] } }))
  .mount('#cart')

// ---- Beyond the README: what the composables' types promise. Nothing here runs.
type IsExact<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function assertType<T extends true>(_proof?: T): void {}

export function typeProofs() {
  const added = useEvents('cart', 'item.added')
  assertType<IsExact<(typeof added.value)[number]['data'], { sku: string; price: number }>>()
  const byGetter = useEvents(() => 'orders' as const)
  assertType<IsExact<(typeof byGetter.value)[number]['data'], { id: string }>>()
  const latest = useLatestEvent('cart', 'cart.cleared')
  assertType<IsExact<typeof latest.value, BusEvent<undefined, 'cart', 'cart.cleared'> | undefined>>()
  useEvent('orders', (event) => assertType<IsExact<typeof event.data.id, string>>())
  const send = useSend()
  // @ts-expect-error data is checked against the kind
  send('orders', 'order.placed', '/orders/1', { id: 1 })
  const either = useEvents(ref<'cart' | 'orders'>('cart'))
  assertType<IsExact<(typeof either.value)[number]['system'], 'cart' | 'orders'>>()
  // @ts-expect-error the ref is read-only
  added.value = []
  // Patterns and kinds are as strict as send: a typo is an error naming what exists.
  // @ts-expect-error "item.addd" is not a kind of cart ("item.added" | "cart.cleared")
  useEvents('cart', 'item.addd')
  // @ts-expect-error "crat" is not a system
  useLatestEvent('crat')
  // @ts-expect-error useEvent too
  useEvent('cart', 'item.addd', () => {})
  // @ts-expect-error a ref or getter is checked too
  useEvents(ref<'cart' | 'crat'>('cart'))
  // @ts-expect-error a kind getter as well
  useEvents('cart', () => 'item.addd' as const)
  // A glob narrows the events to what it matches.
  const placed = useEvents('**', '*.placed', { limit: 5 })
  assertType<IsExact<(typeof placed.value)[number]['system'], 'orders'>>()
  const cartOnly = useLatestEvent('{cart,users}', { replay: 1 })
  assertType<IsExact<NonNullable<typeof cartOnly.value>['system'], 'cart'>>()
  const loose = useUntypedEvents('anything', 'goes')
  assertType<IsExact<(typeof loose.value)[number], BusEvent<unknown, 'anything', 'goes'>>>()
  // Options without a kind: every kind of the pattern.
  const everyKind = useEvents('cart', { replay: 'all' })
  assertType<IsExact<(typeof everyKind.value)[number]['kind'], 'item.added' | 'cart.cleared'>>()
  // A provider's policy: rules or a function, as `bus.scope` takes.
  provideBus(bus, { policy: (_action, system) => system === 'cart' })
  createBusPlugin(bus, { policy: { subscribe: ['cart'], deny: { subscribe: ['orders'] } } })
  // @ts-expect-error a policy's lists are arrays of globs
  provideBus(bus, { policy: { send: 'cart' } })
}
