// What the shop's micro-frontends share: the event map and how a cart is derived from events.
// Nothing else passes between them. (In an app, import from 'crossbus'; the demo runs from source.)
import { createBus, type Bus, type BusPlugin, type EventOf, type WithReply } from '../src/index'

export interface Product {
  readonly sku: string
  readonly name: string
  readonly price: number
}

/** A product as the inventory service lists it: with what is left after every cart's holds. */
export interface Listing extends Product {
  readonly available: number
}

export interface ShopEvents {
  cart: {
    'item.added': { sku: string; name: string; price: number }
    'item.removed': { sku: string }
    'cart.cleared': undefined
  }
  inventory: {
    'catalog.requested': undefined
    'catalog.listed': { products: readonly Listing[] }
  }
  /** Asked of the inventory worker, which owns the prices: what a cart costs (`bus.request`). */
  pricing: {
    'cart.quote': WithReply<{ lines: readonly { sku: string; quantity: number }[] }, Quote>
  }
  /** The shop's own chrome: the header's devtools button asks the page to show or hide the panel. */
  shop: {
    'devtools.toggled': undefined
  }
}

export type CartEvent = EventOf<ShopEvents, 'cart'>

/** The inventory worker's price for a cart: its own prices, and 10% off from three items on. */
export interface Quote {
  readonly subtotal: number
  readonly discount: number
  readonly total: number
}

export interface CartLine {
  readonly sku: string
  readonly name: string
  readonly price: number
  readonly quantity: number
}

/**
 * The cart is a fold over the cart's events, never state of its own: every tab, the header
 * and the inventory worker compute the same cart, and replaying the events after a reload
 * rebuilds it.
 */
export function cartOf(events: readonly CartEvent[]): CartLine[] {
  const lines = new Map<string, CartLine>()
  for (const event of events) {
    if (event.kind === 'cart.cleared') lines.clear()
    else if (event.kind === 'item.added') {
      const { sku, name, price } = event.data
      lines.set(sku, { sku, name, price, quantity: (lines.get(sku)?.quantity ?? 0) + 1 })
    } else {
      const line = lines.get(event.data.sku)
      if (line && line.quantity > 1) lines.set(line.sku, { ...line, quantity: line.quantity - 1 })
      else lines.delete(event.data.sku)
    }
  }
  return [...lines.values()]
}

export const itemCount = (lines: readonly CartLine[]) => lines.reduce((sum, line) => sum + line.quantity, 0)
export const totalOf = (lines: readonly CartLine[]) => lines.reduce((sum, line) => sum + line.price * line.quantity, 0)
export const money = (amount: number) => `$${amount.toFixed(2)}`

/**
 * Every context (page, iframe, worker) opens the same bus by name: `crossTab` (on by default)
 * joins them across the origin, and `replay` keeps the events in IndexedDB for late joiners.
 */
export function openShopBus(plugins: readonly BusPlugin[] = []): Bus<ShopEvents> {
  return createBus<ShopEvents>({ name: 'shop', replay: {}, plugins })
}
