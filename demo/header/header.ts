// The header micro-frontend, in an iframe of another origin than the page (see ./origins) with no
// framework: a cart badge kept from the cart's events, and how many tabs show the shop. Its bus is
// the header origin's own (synced across the tabs' headers, no history of its own), bridged to the
// page's bus with crossbus/frames: the cart's events, history first, come in through the bridge.
import { connectParent } from '../../src/bridges/frames/index'
import { createBus } from '../../src/index'
import { cartOf, itemCount, type CartEvent, type ShopEvents } from '../shop'
import { otherLoopbackOrigin } from './origins'

const bus = createBus<ShopEvents>({ name: 'shop' })
connectParent(bus, { webOrigin: otherLoopbackOrigin(location) })
const badge = document.getElementById('badge')!
const peers = document.getElementById('peers')!
const events: CartEvent[] = []

bus.subscribe('cart').subscribe((event) => {
  events.push(event)
  const count = itemCount(cartOf(events))
  badge.textContent = String(count)
  badge.dataset.count = String(count)
})

// This origin's contexts are the headers, one in each tab of the shop.
bus.peers$.subscribe((contexts) => {
  const tabs = contexts.filter((peer) => peer.kind === 'iframe').length
  peers.textContent = `${tabs} ${tabs === 1 ? 'tab' : 'tabs'}`
})

// The panel belongs in the page, not in this one-bar iframe: ask the page for it over the bus.
document.getElementById('devtools')!.addEventListener('click', () => bus.send('shop', 'devtools.toggled', '/devtools'))
