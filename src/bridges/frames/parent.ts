import type { AnyEventMap, Bus, BusError, EventMap } from '../../core/index'
import { attachBridge, randomId, type BridgeEnd, type EndContext } from './bridge'
import { frameError } from './errors'
import { FrameLink } from './link'
import { PROTOCOL_TAG, readWindowMessage } from './message'
import { resolveParentOptions, type ConnectParentOptions, type ResolvedOptions } from './options'
import type { FrameBridge } from './stats'
import { isChildFrame } from './windows'

/** The plugin name on a frame's bus, and so the `bridge` of what the parent brings in. */
export const PARENT_PLUGIN_NAME = 'frame parent'

/**
 * Bridges the bus of this frame to its parent page of the web origin `webOrigin`, which runs
 * `connectFrame`: events sent here (and those other bridges brought in) go up, what the host's
 * policy lets this frame receive comes in with its identity kept. Nothing reaches the parent unless
 * it shows exactly `webOrigin`. Events that came from the parent are never sent back, so a frame
 * that also runs its own cross-tab bus (`sync`) neither echoes nor loops.
 *
 * `ready` settles when the host answers; a page that is no frame rejects it (`FRAME_UNAVAILABLE`).
 *
 * @example
 * import { createBus } from 'crossbus'
 * import { connectParent } from 'crossbus/frames'
 *
 * const bus = createBus({ name: 'checkout' })
 * const parent = connectParent(bus, { webOrigin: 'https://shop.example.com' })
 * bus.subscribe('cart').subscribe((event) => console.log('from the shop:', event.kind))
 * await parent.ready
 * bus.send('checkout.payment', 'payment.started', '/checkout/42')
 */
export function connectParent<E extends EventMap = AnyEventMap>(bus: Bus<E>, options: ConnectParentOptions): FrameBridge {
  let report: (error: BusError) => void = () => {}
  const resolved = resolveParentOptions(options, (error) => report(error))
  return attachBridge(bus, [PARENT_PLUGIN_NAME], resolved.webOrigin, (context) => {
    report = (error) => context.host.report(error)
    return new ParentEnd(context, resolved)
  })
}

/** The frame's end: says hello to the parent, takes the port it is given, says goodbye on unload. */
class ParentEnd implements BridgeEnd {
  private readonly link: FrameLink
  /** This document's id; a new one after a return from the back/forward cache. */
  private doc = randomId()
  private readonly onMessage = (event: MessageEvent) => this.windowMessage(event)
  private readonly onPageHide = () => this.link.close('unloaded')
  private readonly onPageShow = (event: PageTransitionEvent) => {
    if (!event.persisted) return
    this.doc = randomId()
    this.hello()
  }

  constructor(
    private readonly context: EndContext,
    private readonly options: ResolvedOptions,
  ) {
    this.link = new FrameLink(context.host, options, context.handle, {
      cameThrough: (bridge) => bridge === PARENT_PLUGIN_NAME,
      bye: (reason) => {
        this.link.close()
        if (reason === 'flooded') {
          context.host.report(frameError('FRAME_CLOSED', `The host page (${options.webOrigin}) cut this frame off: it sent more events per second than the host's maxEventsPerSecond.`))
          context.shut('FRAME_CLOSED')
        }
        // Otherwise the host's bridge closed; a new one will ping.
      },
    })
    if (typeof window === 'undefined' || window.parent === window) {
      const error = frameError('FRAME_UNAVAILABLE', 'connectParent runs in a frame (an iframe of the host page); this is no frame.')
      context.host.report(error)
      context.handle.failed(error)
      return
    }
    window.addEventListener('message', this.onMessage)
    window.addEventListener('pagehide', this.onPageHide)
    window.addEventListener('pageshow', this.onPageShow)
    this.hello()
  }

  observed: BridgeEnd['observed'] = (event, provenance) => this.link.observed(event, provenance)

  stop(): void {
    if (typeof window === 'undefined') return
    window.removeEventListener('message', this.onMessage)
    window.removeEventListener('pagehide', this.onPageHide)
    window.removeEventListener('pageshow', this.onPageShow)
    this.link.close('closed')
  }

  private hello(): void {
    // Only to the exact origin: if the parent is another page now, the browser drops it.
    window.parent.postMessage({ crossbus: PROTOCOL_TAG, v: 1, type: 'hello', doc: this.doc }, this.options.webOrigin)
  }

  private windowMessage(event: MessageEvent): void {
    const message = readWindowMessage(event.data)
    if (message === 'foreign') return
    if (event.source !== window.parent || event.origin !== this.options.webOrigin || message === 'malformed' || message.type === 'hello') {
      // A hello from a frame of this page is for that frame's host bridge here, if any.
      if (!isChildFrame(event.source)) this.context.handle.counts.forged++
      return
    }
    if (message.type === 'ping') {
      if (!this.link.connected) this.hello()
      return
    }
    const port = event.ports[0]
    if (message.doc !== this.doc || event.ports.length !== 1 || !port) {
      if (message.doc === this.doc) this.context.handle.counts.forged++
      return
    }
    this.link.open(port)
    // Say so on the port: the host counts the frame connected once it hears from it.
    this.link.post({ v: 1, type: 'ready' })
    this.link.confirmed()
  }
}
