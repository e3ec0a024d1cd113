// Compiled by `npm run typecheck`: `subscribe` and `history` are as strict as `send`. Each
// `@ts-expect-error` proves a pattern or kind that could match nothing is refused; each
// `assertType` proves what a glob narrows the events to. Nothing here runs.
import { createBus, type BusEvent } from '../index'
import type { EventsMatching, GlobMatches, SystemsMatching } from './pattern-types'

type IsExact<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function assertType<T extends true>(_proof?: T): void {}

interface Shop {
  cart: { 'item.added': { sku: string }; 'item.removed': { sku: string } }
  orders: { 'order.created': { id: string }; 'order.item.created': { id: string; sku: string } }
  'orders.eu': { 'order.created': { id: string; vat: number } }
  'orders.us': { 'order.created': { id: string; state: string } }
  'orders.eu.west': { 'order.shipped': { id: string } }
  ordersx: { 'x.seen': undefined }
  users: { 'user.created': { name: string } }
}

const bus = createBus<Shop>({ name: 'shop' })
type Systems<T> = T extends BusEvent<unknown, infer S, string> ? S : never
type Kinds<T> = T extends BusEvent<unknown, string, infer K> ? K : never
type EventOfSub<T> = T extends { subscribe(next: (event: infer Ev) => void): unknown } ? Ev : never

// ---- Exact names: a system not in the map, or a kind not of that system, is refused.
// @ts-expect-error "crat" is not a system: the message lists the systems
bus.subscribe('crat')
// @ts-expect-error "item.addd" is not a kind of cart: the message lists "item.added" | "item.removed"
bus.subscribe('cart', 'item.addd')
// @ts-expect-error a kind of another system
bus.subscribe('cart', 'order.created')
// @ts-expect-error history is as strict
void bus.history('crat')
// @ts-expect-error history kind
void bus.history('cart', 'item.addd')

const cart = bus.subscribe('cart')
assertType<IsExact<EventOfSub<typeof cart>, BusEvent<{ sku: string }, 'cart', 'item.added'> | BusEvent<{ sku: string }, 'cart', 'item.removed'>>>()
const added = bus.subscribe('cart', 'item.added')
assertType<IsExact<EventOfSub<typeof added>, BusEvent<{ sku: string }, 'cart', 'item.added'>>>()

// ---- `*` is one whole segment.
type OneBelow = SystemsMatching<Shop, 'orders.*'>
assertType<IsExact<OneBelow, 'orders.eu' | 'orders.us'>>()
const oneBelow = bus.subscribe('orders.*')
assertType<IsExact<Systems<EventOfSub<typeof oneBelow>>, 'orders.eu' | 'orders.us'>>()
assertType<IsExact<SystemsMatching<Shop, '*'>, 'cart' | 'orders' | 'ordersx' | 'users'>>()
assertType<IsExact<SystemsMatching<Shop, '*.*.*'>, 'orders.eu.west'>>()
// @ts-expect-error no system is two segments below orders.eu
bus.subscribe('orders.eu.*.*')

// ---- `**` is any number of whole segments, none included.
assertType<IsExact<SystemsMatching<Shop, 'orders.**'>, 'orders' | 'orders.eu' | 'orders.us' | 'orders.eu.west'>>()
assertType<IsExact<SystemsMatching<Shop, '**'>, keyof Shop>>()
assertType<IsExact<SystemsMatching<Shop, 'orders.*.**'>, 'orders.eu' | 'orders.us' | 'orders.eu.west'>>()
assertType<IsExact<SystemsMatching<Shop, '**.west'>, 'orders.eu.west'>>()
const everything = bus.subscribe('**')
assertType<IsExact<Systems<EventOfSub<typeof everything>>, keyof Shop>>()
everything.subscribe((e) => {
  if (e.system === 'orders.eu') assertType<IsExact<typeof e.data, { id: string; vat: number }>>()
})

// ---- `*` and `?` inside a segment are runs of characters and one character.
assertType<IsExact<SystemsMatching<Shop, 'ord*'>, 'orders' | 'ordersx'>>()
assertType<IsExact<SystemsMatching<Shop, 'orders?'>, 'ordersx'>>()
assertType<IsExact<SystemsMatching<Shop, '*s'>, 'orders' | 'users'>>()
assertType<IsExact<SystemsMatching<Shop, 'orders.?s'>, 'orders.us'>>()

// ---- `{a,b}` alternatives, whole or inside a segment, nested too.
assertType<IsExact<SystemsMatching<Shop, '{cart,users}'>, 'cart' | 'users'>>()
assertType<IsExact<SystemsMatching<Shop, 'orders.{eu,us}'>, 'orders.eu' | 'orders.us'>>()
assertType<IsExact<SystemsMatching<Shop, 'orders.{eu,us}.**'>, 'orders.eu' | 'orders.us' | 'orders.eu.west'>>()
assertType<IsExact<SystemsMatching<Shop, '{cart,orders.{eu,asia}}'>, 'cart' | 'orders.eu'>>()
assertType<IsExact<SystemsMatching<Shop, 'orders{,x}'>, 'orders' | 'ordersx'>>()
const either = bus.subscribe('{cart,users}')
either.subscribe((e) => {
  if (e.system === 'users') assertType<IsExact<typeof e.data, { name: string }>>()
  else assertType<IsExact<typeof e.kind, 'item.added' | 'item.removed'>>()
})

// ---- A glob that can match no system is refused.
// @ts-expect-error no system below cart
bus.subscribe('cart.*')
// @ts-expect-error a typo in a glob
bus.subscribe('ordrs.**')
// @ts-expect-error no alternative is a system
bus.subscribe('{crat,usrs}')
// Braces without "," are one alternative, as at run time.
const braced = bus.subscribe('{orders}')
assertType<IsExact<Systems<EventOfSub<typeof braced>>, 'orders'>>()
// @ts-expect-error history too
void bus.history('payments.*')

// ---- Kind filters narrow the same way, within the systems the pattern matches.
const created = bus.subscribe('orders.**', 'order.created')
assertType<IsExact<Systems<EventOfSub<typeof created>>, 'orders' | 'orders.eu' | 'orders.us'>>()
created.subscribe((e) => {
  if (e.system === 'orders.us') assertType<IsExact<typeof e.data.state, string>>()
})
const oneSegmentBelowOrder = bus.subscribe('orders.**', 'order.*')
assertType<IsExact<Kinds<EventOfSub<typeof oneSegmentBelowOrder>>, 'order.created' | 'order.shipped'>>()
const deeper = bus.subscribe('orders', 'order.**')
assertType<IsExact<Kinds<EventOfSub<typeof deeper>>, 'order.created' | 'order.item.created'>>()
const kindAlternatives = bus.subscribe('**', '{item.added,user.created}')
assertType<IsExact<Systems<EventOfSub<typeof kindAlternatives>>, 'cart' | 'users'>>()
const kindGlob = bus.subscribe('**', '*.created')
assertType<IsExact<Kinds<EventOfSub<typeof kindGlob>>, 'order.created' | 'user.created'>>()
// @ts-expect-error the kind exists, but not in the systems orders.* matches
bus.subscribe('orders.*', 'order.shipped')
// @ts-expect-error a kind glob that matches no kind of cart
bus.subscribe('cart', 'order.*')
// @ts-expect-error a kind glob of one segment never matches two
bus.subscribe('cart', '*')

// ---- Character classes and extglobs are not analysed: they compile and give every event.
assertType<IsExact<SystemsMatching<Shop, 'orders.[a-z]*'>, keyof Shop>>()
assertType<IsExact<GlobMatches<'+(a|b)', 'c'>, true>>()
bus.subscribe('orders.[eu]*')

// ---- `subscribe(pattern, options)` and `history(pattern, query)`, with no kind placeholder.
const replayed = bus.subscribe('orders.*', { replay: 'all' })
assertType<IsExact<EventOfSub<typeof replayed>, EventsMatching<Shop, 'orders.*'>>>()
bus.subscribe('cart', 'item.added', { replay: 10 })
bus.subscribe('cart', undefined, { replay: { since: 0 } })
// @ts-expect-error options are checked
bus.subscribe('cart', { replay: 'some' })
// @ts-expect-error the pattern is still checked with options
bus.subscribe('crat', { replay: 'all' })
void (async () => {
  const recent = await bus.history('orders.*', { limit: 10 })
  assertType<IsExact<Systems<(typeof recent)[number]>, 'orders.eu' | 'orders.us'>>()
  const since = await bus.history('cart', 'item.removed', { since: 0 })
  assertType<IsExact<(typeof since)[number], BusEvent<{ sku: string }, 'cart', 'item.removed'>>>()
  // @ts-expect-error a query is checked
  await bus.history('cart', { limit: '10' })
})

// ---- A pattern only known at run time (type `string`) cannot be checked: every event.
declare const fromConfig: string
const dynamic = bus.subscribe(fromConfig)
assertType<IsExact<Systems<EventOfSub<typeof dynamic>>, keyof Shop>>()
declare const region: string
bus.subscribe(`orders.${region}`, 'order.created')

// ---- Scoped handles keep the strictness.
// @ts-expect-error a scope is typed by the same map
bus.scope({ subscribe: ['cart'] }).subscribe('cart', 'item.addd')

// ---- The untyped map takes any pattern and kind.
const loose = createBus()
const anything = loose.subscribe('whatever.**', 'any.*')
assertType<IsExact<EventOfSub<typeof anything>, BusEvent<unknown, string, string>>>()
const exactLoose = loose.subscribe('orders', 'order.created', { replay: 1 })
assertType<IsExact<EventOfSub<typeof exactLoose>, BusEvent<unknown, 'orders', 'order.created'>>>()
loose.subscribe('orders', { replay: 'all' })
declare const someKind: string | undefined
loose.subscribe(fromConfig, someKind)
void loose.history(fromConfig, someKind, { limit: 1 })
