import type { Subscription } from 'rxjs'
import type { AttachedPlugin, Bus, BusEvent, Provenance, SubscriptionInfo } from '../../src/core/index'
import { askContexts, type ChannelEnd } from '../agent-channel'
import { ledJobs } from '../ui/contexts'
import type { PageMessage, WireError, WireRecord } from './protocol'
import { decodeValue, encodeValue } from './wire'

// Events wait at most this long in the page before they cross to the panel, in one message.
const FLUSH_EVERY_MS = 50
// Events held for the panel at most; past it the oldest half goes, counted as dropped.
const MAX_QUEUED = 20_000
// About the most text one message carries (a runtime message may not pass 64 MiB); the rest follows.
const MAX_MESSAGE_CHARS = 8 * 1024 * 1024
// One event larger than this crosses without its data, saying how large it was.
const MAX_EVENT_CHARS = 4 * 1024 * 1024

/** Hands the relay one message as JSON text. */
export type PostText = (json: string) => void
type Queued = readonly [BusEvent, Provenance]

/**
 * The extension's observer of one bus of the page, attached while a panel looks at it: a plugin
 * that keeps each event and its provenance as they are (the send path pays an array push), and
 * sends them to the panel in one message every few dozen milliseconds, encoded there, off the
 * send path. The stored history, when the bus keeps one, goes first; re-sends go through the bus
 * itself, so its policy applies.
 */
export class PageAgent {
  private queue: Queued[] = []
  private dropped = 0
  private timer: ReturnType<typeof setTimeout> | undefined
  private historyPending = true
  private readonly attached: AttachedPlugin
  private readonly peers: Subscription
  private asking: (ChannelEnd & { ask(): void }) | undefined
  private closed = false
  private readonly subscriptions = new Map<number, SubscriptionInfo>()
  private subscriptionsPending = false
  private readonly post: (message: PageMessage) => void

  constructor(
    private readonly bus: Bus,
    private readonly postText: PostText,
  ) {
    const post = (this.post = (message: PageMessage) => postText(JSON.stringify(message)))
    post({ type: 'attached', bus: { name: bus.name, origin: bus.origin }, pageOrigin: globalThis.location?.origin ?? '' })
    this.attached = bus.use({
      // Its own name: an app that mounts crossbus/devtools too keeps its panel.
      name: 'crossbus-devtools-extension',
      setup: (host) => {
        for (const subscription of host.subscriptions()) this.subscriptions.set(subscription.id, subscription)
        this.subscriptionsChanged()
        return {
          event: (event, provenance) => {
            this.queue.push([event, provenance])
            if (this.timer === undefined && !this.historyPending) this.schedule()
          },
          subscribed: (subscription) => {
            this.subscriptions.set(subscription.id, subscription)
            this.subscriptionsChanged()
          },
          unsubscribed: (subscription) => {
            this.subscriptions.delete(subscription.id)
            this.subscriptionsChanged()
          },
          error: (error) => post({ type: 'error', error: wireError(error) }),
          close: () => {
            if (!this.closed) post({ type: 'closed' })
            this.stop()
          },
        }
      },
    })
    this.peers = bus.peers$.subscribe((peers) => post({ type: 'peers', peers: peers.map(({ origin, kind, since, self }) => ({ origin, kind, since, self })) }))
    void this.sendHistory(false)
  }

  /** The stored history: first on attach (live events wait for it), then when the panel asks. */
  async sendHistory(asked: boolean): Promise<void> {
    let records: WireRecord[] = []
    let error: WireError | undefined
    try {
      const events = await this.bus.history('**')
      records = events.map((event) => wireRecord(event, { arrival: 'sent', from: event.origin, bridge: undefined }))
      if (!asked) {
        // What history already holds is not sent again as live.
        const stored = new Set(events.map((event) => event.id))
        this.queue = this.queue.filter(([event]) => !stored.has(event.id))
      }
    } catch (cause) {
      error = wireError(cause)
    }
    if (this.closed) return
    this.post({ type: 'history', records, asked, ...(error ? { error } : {}) })
    if (!asked) {
      this.historyPending = false
      if (this.queue.length > 0) this.schedule()
    }
  }

  /** Re-sends through the bus: its policy and plugins' checks apply, as to any send of the page. */
  send(request: number, system: string, kind: string, path: string, data: unknown): void {
    try {
      const sent = this.bus.send(system, kind, path, decodeValue(data))
      this.post({ type: 'sent', request, id: sent.id })
    } catch (cause) {
      this.post({ type: 'sent', request, error: wireError(cause) })
    }
  }

  /** Asks the contexts with devtools who they are (on the origin's side channel), and which jobs are led. */
  ask(): void {
    this.asking ??= askContexts(this.bus.name, (report) => this.post({ type: 'report', report }), () => {})
    this.asking.ask()
    void ledJobs(this.bus.name).then((jobs) => {
      if (!this.closed) this.post({ type: 'leaders', jobs })
    })
  }

  /** The panel went away: the plugin is detached, nothing is kept. */
  close(): void {
    this.closed = true
    this.stop()
    void this.attached.detach()
  }

  private stop(): void {
    this.closed = true
    clearTimeout(this.timer)
    this.timer = undefined
    this.queue = []
    this.peers?.unsubscribe()
    this.asking?.close()
    this.asking = undefined
  }

  private schedule(): void {
    this.timer = setTimeout(() => this.flush(), FLUSH_EVERY_MS)
  }

  private flush(): void {
    this.timer = undefined
    if (this.closed) return
    if (this.queue.length > MAX_QUEUED) {
      const excess = this.queue.length - MAX_QUEUED / 2
      this.queue = this.queue.slice(excess)
      this.dropped += excess
    }
    const parts: string[] = []
    let chars = 0
    let taken = 0
    for (const [event, provenance] of this.queue) {
      if (chars > MAX_MESSAGE_CHARS) break
      const part = recordJson(event, provenance)
      parts.push(part)
      chars += part.length
      taken++
    }
    this.queue = taken === this.queue.length ? [] : this.queue.slice(taken)
    // Built as text: each record is JSON already, measured as it was made.
    this.postText(`{"type":"events","dropped":${this.dropped},"records":[${parts.join(',')}]}`)
    this.dropped = 0
    if (this.queue.length > 0) this.schedule()
  }

  /** The open subscriptions go to the panel once per task, however many a loop of the app opens. */
  private subscriptionsChanged(): void {
    if (this.subscriptionsPending) return
    this.subscriptionsPending = true
    queueMicrotask(() => {
      this.subscriptionsPending = false
      if (this.closed) return
      const subscriptions = [...this.subscriptions.values()].map(({ id, pattern, kind, replay }) => ({ id, pattern, kind, replay }))
      this.post({ type: 'subscriptions', subscriptions })
    })
  }
}

function recordJson(event: BusEvent, provenance: Provenance): string {
  const json = JSON.stringify(wireRecord(event, provenance))
  if (json.length <= MAX_EVENT_CHARS) return json
  const note = `[${Math.round(json.length / 1024)} KB of data: too large for the extension to show]`
  return JSON.stringify(wireRecord({ ...event, data: note }, provenance))
}

function wireRecord(event: BusEvent, provenance: Provenance): WireRecord {
  const { id, system, kind, path, data, time, origin, seq } = event
  return { event: { id, system, kind, path, data: encodeValue(data), time, origin, seq }, arrival: provenance.arrival, from: provenance.from, bridge: provenance.bridge }
}

function wireError(cause: unknown): WireError {
  const { kind, code, message } = (typeof cause === 'object' && cause !== null ? cause : {}) as { kind?: unknown; code?: unknown; message?: unknown }
  return { kind: typeof kind === 'string' ? kind : 'error', code: code === undefined ? 'ERROR' : String(code), message: typeof message === 'string' ? message : String(cause) }
}
