// The header micro-frontend, in a same-origin iframe with no framework: a cart badge kept from
// the cart's events, and how many contexts share the bus right now.
import { cartOf, itemCount, openShopBus, type CartEvent } from '../shop'

const bus = openShopBus()
const badge = document.getElementById('badge')!
const peers = document.getElementById('peers')!
const events: CartEvent[] = []

bus.subscribe('cart', undefined, { replay: 'all' }).subscribe((event) => {
  events.push(event)
  const count = itemCount(cartOf(events))
  badge.textContent = String(count)
  badge.dataset.count = String(count)
})

bus.peers$.subscribe((contexts) => {
  const tabs = contexts.filter((peer) => peer.kind === 'window').length
  peers.textContent = `${tabs} ${tabs === 1 ? 'tab' : 'tabs'} · ${contexts.length} contexts`
})

// The panel belongs in the page, not in this one-bar iframe: ask the page for it over the bus.
document.getElementById('devtools')!.addEventListener('click', () => bus.send('shop', 'devtools.toggled', '/devtools'))
