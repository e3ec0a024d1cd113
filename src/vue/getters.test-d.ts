// Getters are as strict as refs and literals (issue 21): a system or kind the map does not have is
// a type error, and a getter's name narrows the events. Compiled by `npm run typecheck`; nothing runs.
import { ref } from 'vue'
import type { BusEvent } from '../index'
import { createBusComposables } from './index'

interface ShopEvents {
  cart: {
    'item.added': { sku: string; price: number }
    'cart.cleared': undefined
  }
  orders: { 'order.placed': { id: string } }
}

const { useEvent, useEvents, useLatestEvent } = createBusComposables<ShopEvents>()

type IsExact<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function assertType<T extends true>(_proof?: T): void {}

export function getterTypos() {
  // @ts-expect-error "ordes" is not a system
  useLatestEvent(() => 'ordes')
  // @ts-expect-error "cartt" is not a system
  useEvents(() => 'cartt', 'item.added')
  // @ts-expect-error "item.addd" is not a kind of cart
  useEvents('cart', () => 'item.addd')
  // @ts-expect-error with options too
  useEvents('cart', () => 'item.addd', { limit: 5 })
  // @ts-expect-error useLatestEvent's kind getter
  useLatestEvent('cart', () => 'item.addd')
  // @ts-expect-error useEvent's kind getter
  useEvent('cart', () => 'item.addd', () => {})
  // @ts-expect-error a kind of another system
  useEvents(() => 'orders' as const, () => 'item.added')
}

export function gettersNarrow() {
  const orders = useEvents(() => 'orders' as const)
  assertType<IsExact<(typeof orders.value)[number]['data'], { id: string }>>()
  const plain = useEvents(() => 'orders')
  assertType<IsExact<(typeof plain.value)[number]['system'], 'orders'>>()
  const added = useEvents('cart', () => 'item.added')
  assertType<IsExact<(typeof added.value)[number], BusEvent<{ sku: string; price: number }, 'cart', 'item.added'>>>()
  const withOptions = useEvents(() => 'cart', () => 'cart.cleared', { replay: 'all' })
  assertType<IsExact<(typeof withOptions.value)[number]['kind'], 'cart.cleared'>>()
  const latest = useLatestEvent('cart', () => 'item.added', { replay: 1 })
  assertType<IsExact<NonNullable<typeof latest.value>['kind'], 'item.added'>>()
  useEvent('cart', () => 'item.added', (event) => assertType<IsExact<typeof event.data.sku, string>>())
  // A getter that may return no kind: every kind of the pattern.
  const maybe = useEvents('cart', () => (Math.random() > 0.5 ? 'item.added' : undefined))
  assertType<IsExact<(typeof maybe.value)[number]['kind'], 'item.added' | 'cart.cleared'>>()
  // A getter of a glob narrows as a literal glob does.
  const placed = useEvents('**', () => '*.placed')
  assertType<IsExact<(typeof placed.value)[number]['system'], 'orders'>>()
  // Refs, as before: the same rules.
  const byRef = useEvents('cart', ref<'item.added'>('item.added'))
  assertType<IsExact<(typeof byRef.value)[number]['kind'], 'item.added'>>()
  // Options alone still take every kind.
  const every = useEvents('cart', { limit: 5 })
  assertType<IsExact<(typeof every.value)[number]['kind'], 'item.added' | 'cart.cleared'>>()
}
