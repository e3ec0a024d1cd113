// The inventory and pricing service, in a dedicated worker: it owns the products and their
// stock, and lists them with what every cart holds taken off. It talks only through the bus.
import { devtoolsAgent } from '../devtools/index'
import { cartOf, openShopBus, type CartEvent, type Listing, type Product, type Quote } from './shop'

const PRODUCTS: readonly (Product & { stock: number })[] = [
  { sku: 'espresso', name: 'Espresso beans', price: 14, stock: 8 },
  { sku: 'matcha', name: 'Ceremonial matcha', price: 22, stock: 5 },
  { sku: 'croissant', name: 'Butter croissant', price: 3.5, stock: 12 },
  { sku: 'honey', name: 'Wildflower honey', price: 9, stock: 3 },
  { sku: 'chocolate', name: 'Dark chocolate', price: 6, stock: 10 },
  { sku: 'lemons', name: 'Amalfi lemons', price: 4, stock: 6 },
]

// The agent lets the devtools panel of any tab list this worker's subscriptions.
const bus = openShopBus([devtoolsAgent()])
const cartEvents: CartEvent[] = []
let listingQueued = false

function listing(): Listing[] {
  const held = new Map(cartOf(cartEvents).map((line) => [line.sku, line.quantity]))
  return PRODUCTS.map(({ stock, ...product }) => ({ ...product, available: Math.max(0, stock - (held.get(product.sku) ?? 0)) }))
}

// One listing per burst (a replayed history arrives as one), not one per event.
function queueListing(): void {
  if (listingQueued) return
  listingQueued = true
  queueMicrotask(() => {
    listingQueued = false
    bus.send('inventory', 'catalog.listed', '/catalog', { products: listing() })
  })
}

// Every cart event of the origin, from history first: holds survive reloads and restarts.
bus.subscribe('cart', undefined, { replay: 'all' }).subscribe((event) => {
  cartEvents.push(event)
  queueListing()
})
bus.subscribe('inventory', 'catalog.requested').subscribe(queueListing)
queueListing()

// The cart asks what it costs (`bus.request('pricing', 'cart.quote', ...)`): priced here, where the
// prices live, whichever tab asks. With several tabs, each with this worker, one answers each request.
const BUNDLE_FROM = 3
const BUNDLE_OFF = 0.1
bus.handle('pricing', 'cart.quote', ({ data }): Quote => {
  let subtotal = 0
  let items = 0
  for (const { sku, quantity } of data.lines) {
    const product = PRODUCTS.find((candidate) => candidate.sku === sku)
    if (!product) throw new Error(`No product "${sku}" in the inventory.`)
    subtotal += product.price * quantity
    items += quantity
  }
  const discount = items >= BUNDLE_FROM ? Math.round(subtotal * BUNDLE_OFF * 100) / 100 : 0
  return { subtotal, discount, total: subtotal - discount }
})
