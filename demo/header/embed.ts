// The page's side of the header: the iframe is loaded from the other loopback origin and bridged
// into the page's bus with crossbus/frames, with a policy of its own (it may only ask for the
// devtools, and only hears the cart). The header keeps no history (a frame of another site may get
// no IndexedDB), so on each connection the page sends it the cart's history first (`replay`).
import { connectFrame, type FrameBridge } from '../../src/bridges/frames/index'
import type { Bus } from '../../src/index'
import type { ShopEvents } from '../shop'
import { otherLoopbackOrigin } from './origins'

export function embedHeader(bus: Bus<ShopEvents>, iframe: HTMLIFrameElement): FrameBridge {
  const webOrigin = otherLoopbackOrigin(location)
  iframe.src = `${webOrigin}/header/index.html`
  return connectFrame(bus, iframe, { webOrigin, policy: { send: ['shop'], subscribe: ['cart'] }, replay: 'cart' })
}
