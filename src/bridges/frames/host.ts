import type { AnyEventMap, Bus, BusError, BusEvent, EventMap } from '../../core/index'
import { attachBridge, type BridgeEnd, type EndContext } from './bridge'
import { frameError } from './errors'
import { FloodGate } from './flood'
import { FrameLink } from './link'
import { PROTOCOL_TAG, readWindowMessage, type WindowMessage } from './message'
import { resolveFrameOptions, type ConnectFrameOptions, type ResolvedOptions } from './options'
import type { FrameBridge } from './stats'
import { isChildFrame } from './windows'

/**
 * Bridges the bus of this page into an iframe of another web origin that runs `connectParent`:
 * events the frame's policy lets it receive go in, events it may send come out into this bus with
 * their identity kept, each once, in order. The frame talks over a private `MessagePort` the host
 * hands it in a message posted to exactly `webOrigin`; window messages from anything but that
 * iframe showing that origin are ignored (counted in `stats().forged`).
 *
 * A reload or navigation of the frame connects again (a new port; `status$` says `connecting`
 * meanwhile, and up to `maxQueuedEvents` events wait). A frame that sends more than
 * `maxEventsPerSecond` is cut off (`FRAME_FLOODED`). Bad options throw `FRAME_INVALID`.
 *
 * @example
 * import { connectFrame } from 'crossbus/frames'
 *
 * const iframe = document.querySelector<HTMLIFrameElement>('#checkout')!
 * const checkout = connectFrame(bus, iframe, {
 *   webOrigin: 'https://pay.example.com',
 *   policy: { send: ['checkout.*'], subscribe: ['cart', 'checkout.*'] },
 * })
 * await checkout.ready
 */
export function connectFrame<E extends EventMap = AnyEventMap>(bus: Bus<E>, iframe: HTMLIFrameElement, options: ConnectFrameOptions): FrameBridge {
  let report: (error: BusError) => void = () => {}
  const resolved = resolveFrameOptions(options, (error) => report(error))
  if (typeof iframe !== 'object' || iframe === null || !('contentWindow' in iframe)) {
    throw frameError('FRAME_UNAVAILABLE', 'connectFrame needs the iframe element of the frame to connect.')
  }
  const prefix = `frame ${shortOrigin(resolved.webOrigin)}`
  return attachBridge(bus, pluginNames(prefix), resolved.webOrigin, (context) => {
    report = (error) => context.host.report(error)
    const replay = resolved.replay
    const history = replay === undefined ? undefined : () => (bus as unknown as Bus).history(replay)
    return new HostEnd(context, iframe, resolved, prefix, history)
  })
}

/** The host page's end: waits for the frame's `hello`, hands it a port, admits its events within the flood bound. */
class HostEnd implements BridgeEnd {
  private readonly link: FrameLink
  private readonly gate: FloodGate
  /** The frame document the open port belongs to. */
  private doc: string | undefined
  private readonly listener = (event: MessageEvent) => this.windowMessage(event)

  constructor(
    private readonly context: EndContext,
    private readonly iframe: HTMLIFrameElement,
    private readonly options: ResolvedOptions,
    prefix: string,
    history: (() => Promise<readonly BusEvent[]>) | undefined,
  ) {
    this.gate = new FloodGate(options.maxEventsPerSecond)
    this.link = new FrameLink(context.host, options, context.handle, {
      // Not back to this frame, nor to another of its origin: that one has it on its own bus.
      cameThrough: (bridge) => bridge === prefix || bridge.startsWith(`${prefix} #`),
      allow: (count) => this.gate.take(count),
      flooded: (dropped) => this.cutOff(dropped),
      history,
      bye: () => {
        // The frame's document is going (reload, navigation) or its bridge closed: wait for the next one.
        this.doc = undefined
        this.link.close()
      },
    })
    if (typeof window === 'undefined') {
      context.host.report(frameError('FRAME_UNAVAILABLE', 'connectFrame runs in a window; there is none here.'))
      return
    }
    window.addEventListener('message', this.listener)
    // The frame may have said hello before this listener was there: ask again.
    if (this.mayShowOrigin()) this.post({ crossbus: PROTOCOL_TAG, v: 1, type: 'ping' })
  }

  observed: BridgeEnd['observed'] = (event, provenance) => this.link.observed(event, provenance)

  stop(): void {
    if (typeof window !== 'undefined') window.removeEventListener('message', this.listener)
    this.link.close('closed')
  }

  private windowMessage(event: MessageEvent): void {
    const message = readWindowMessage(event.data)
    if (message === 'foreign') return
    const frame = this.iframe.contentWindow
    if (event.source !== frame || frame === null) {
      // Another iframe's message is that iframe's bridge's business; anything else is forged.
      if (!isChildFrame(event.source) && !isParent(event.source)) this.context.handle.counts.forged++
      return
    }
    if (event.origin !== this.options.webOrigin || message === 'malformed' || message.type !== 'hello') {
      this.context.handle.counts.forged++
      return
    }
    if (message.doc === this.doc) return
    this.connect(message.doc)
  }

  /** A new frame document said hello: give it a fresh private port, posted to its exact origin only. */
  private connect(doc: string): void {
    const channel = new MessageChannel()
    this.doc = doc
    this.link.open(channel.port1)
    this.gate.reset()
    this.post({ crossbus: PROTOCOL_TAG, v: 1, type: 'connect', doc }, [channel.port2])
  }

  /**
   * Whether the frame may show `webOrigin` now. A document this page can read is of this page's
   * origin (the `about:blank` of an iframe still loading): a ping would only be dropped, with a
   * console warning from Chromium. A document of another origin cannot be read, so it may be it.
   */
  private mayShowOrigin(): boolean {
    try {
      return this.iframe.contentWindow?.location.origin === this.options.webOrigin
    } catch {
      return true
    }
  }

  private post(message: WindowMessage, transfer: Transferable[] = []): void {
    // Never '*': if the frame navigated to another origin meanwhile, the browser drops the message.
    this.iframe.contentWindow?.postMessage(message, this.options.webOrigin, transfer)
  }

  /** The frame sent past its bound: cut it off, and the host page carries on. */
  private cutOff(dropped: number): void {
    this.context.host.report(
      frameError('FRAME_FLOODED', `The frame of ${this.options.webOrigin} sent more than ${this.options.maxEventsPerSecond} events per second (maxEventsPerSecond): it is cut off and the bridge closed; ${dropped} events of its last message and all it sent after were not delivered.`),
    )
    this.link.close('flooded')
    this.context.shut('FRAME_FLOODED')
  }
}

/** The plugin names of the frames of one web origin on one bus: `frame <origin>`, then ` #2`, ` #3`... */
function* pluginNames(prefix: string): Generator<string> {
  yield prefix
  for (let n = 2; ; n++) yield `${prefix} #${n}`
}

// A bridge name travels in sync envelopes, which take at most 64 characters.
const MAX_ORIGIN_IN_NAME = 48

/** The web origin as it goes in a plugin name: whole if short, else its start and a hash. */
function shortOrigin(webOrigin: string): string {
  if (webOrigin.length <= MAX_ORIGIN_IN_NAME) return webOrigin
  let hash = 0x811c9dc5
  for (let i = 0; i < webOrigin.length; i++) hash = Math.imul(hash ^ webOrigin.charCodeAt(i), 0x01000193)
  return `${webOrigin.slice(0, MAX_ORIGIN_IN_NAME - 9)}~${(hash >>> 0).toString(36)}`
}


function isParent(source: MessageEventSource | null): boolean {
  return window.parent !== window && source === window.parent
}
