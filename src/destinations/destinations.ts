import { checkOptions, currentContextKind, describeError, type AttachedPlugin, type BusPlugin, type PluginHooks, type PluginHost } from '../core/index'
import { createCapture } from './capture'
import { createDelivery } from './delivery'
import { destinationError } from './errors'
import { createHandle } from './handle'
import { createRegistry } from './registry'
import { checkSettings, type Settings } from './settings'
import { openShare, type Share, type ShareMessage } from './share'
import { createStatusBoard } from './status-board'
import { createCounters } from './stats'
import { connectStore } from './store-connection'
import type { Destinations, DestinationsOptions } from './types'

/** What `destinations` attaches to: any bus (`bus.use`). */
export interface PluginTarget {
  use(plugin: BusPlugin): AttachedPlugin
}

/**
 * Forwards the bus's events to destinations (HTTP receivers of CloudEvents, or your own providers),
 * once per event for the whole origin, from an outbox in IndexedDB that survives reloads and
 * crashes. Call it in every context that sends (each captures what it sends); the configuration is
 * shared by the origin and persisted per bus name, and one context, the leader, delivers.
 *
 * @example
 * import { createBus } from 'crossbus'
 * import { destinations } from 'crossbus/destinations'
 *
 * const bus = createBus({ name: 'shop' })
 * // allowedUrls and getHeaders come from code: a configuration rewritten in IndexedDB cannot widen them.
 * const outbound = destinations(bus, { allowedUrls: ['/events'], getHeaders: { audit: () => ({ 'x-csrf': csrfToken }) } })
 * await outbound.add({ id: 'audit', type: 'http', url: '/events', mode: 'batch', filter: { system: 'orders.**' } })
 * bus.send('orders', 'order.created', '/orders/1', { total: 5 }) // in the outbox before the next task; delivered once
 * outbound.status$.subscribe((all) => console.log(all.map((s) => `${s.id}: ${s.pending} pending`)))
 */
export function destinations(bus: PluginTarget, options: DestinationsOptions = {}): Destinations {
  checkOptions(options, ['providers', 'getHeaders', 'allowedUrls', 'maxOutboxEvents', 'retry', 'store'], 'destinations')
  const settings = checkSettings(options)
  let api: Destinations | undefined
  const attached = bus.use({
    name: 'destinations',
    setup(host) {
      const created = attach(host, settings, () => attached.detach())
      api = created.api
      return created.hooks
    },
  })
  return api!
}

/**
 * The plugin, put together: the store, the configuration (shared with the other contexts on a
 * `BroadcastChannel`), capture into the outbox, delivery by the leader, the status board, and the
 * handle the caller gets.
 */
function attach(host: PluginHost, settings: Settings, detach: () => Promise<void>): { api: Destinations; hooks: PluginHooks } {
  let closed = false
  const counters = createCounters()
  const inbox = shareInbox(host, () => closed, {
    config: () => void ready.then(reload).catch(() => {}),
    queued: (ids) => delivery.wake(ids),
    status(statuses) {
      // The leader's own view is the one it shares: what others say about it is ignored there.
      if (!delivery.leading) board.received(statuses)
    },
    askStatus() {
      if (delivery.leading) board.share()
    },
  })
  const share: Share = currentContextKind() !== undefined ? openShare(host.name, inbox.receive, inbox.refuse) : { post() {}, close() {} }
  const connection = connectStore(host, settings.store, { counters, configuration: () => registry.stored, maxOutbox: settings.maxOutbox })
  const registry = createRegistry(host, settings, connection)
  const delivery = createDelivery({ host, settings, registry, connection, changed: () => board.changed(), previous: (id) => board.previous(id), count: counters.count })
  const board = createStatusBoard({
    ids: () => registry.configured.keys(),
    leading: () => delivery.leading,
    local: (id) => delivery.statusOf(id),
    locals: () => delivery.statuses(),
    post: (message) => share.post(message),
  })
  const capture = createCapture(host, registry, connection, settings.maxOutbox, {
    writing: (entries, written) => delivery.offer(entries, written),
    written(ids, taken, trimmed) {
      share.post({ type: 'queued', ids })
      delivery.dropped(trimmed)
      delivery.wake(ids.filter((id) => !taken.has(id)))
    },
  }, counters)

  /** Reads the configuration and brings delivery and the status in line with it. */
  async function reload(): Promise<void> {
    await registry.load()
    delivery.align()
    board.changed()
  }

  const ready = connection.opened.then(reload).then(() => {
    capture.start()
    share.post({ type: 'ask-status' })
    if (!closed) delivery.start()
  })
  // `ready` is for callers; a failure here is reported, never left unhandled.
  ready.catch((cause: unknown) => host.report(destinationError('DESTINATION_OUTBOX_UNAVAILABLE', `Destinations of the bus "${host.name}" could not start: ${describeError(cause)}.`, cause)))

  let closing: Promise<void> | undefined
  const api = createHandle({
    host,
    settings,
    connection,
    registry,
    ready,
    status$: board.status$,
    async configChanged() {
      await reload()
      share.post({ type: 'config' })
    },
    removed: (id) => board.forget(id),
    requeued(id) {
      share.post({ type: 'queued', ids: [id] })
      delivery.wake([id])
    },
    stats: () => counters.read(board.current().reduce((sum, status) => sum + status.pending, 0)),
    close: () => (closing ??= detach()),
  })

  const hooks: PluginHooks = {
    event(event, provenance) {
      // Each event is captured once, where it entered the origin; the others receive it.
      if (!closed && provenance.arrival !== 'received') capture.capture(event)
    },
    async flush() {
      await connection.opened
      await capture.flush()
    },
    async close() {
      if (closed) return
      await connection.opened.catch(() => {})
      // What the bus captured before closing is written before the store closes.
      await ready.catch(() => {})
      await capture.flush()
      closed = true
      delivery.close()
      share.close()
      connection.close()
      board.close()
    },
  }
  return { api, hooks }
}

/** What each kind of message from the other contexts does here. */
interface ShareHandlers {
  config(): void
  queued(ids: readonly string[]): void
  status(statuses: Extract<ShareMessage, { type: 'status' }>['statuses']): void
  askStatus(): void
}

/**
 * The destinations channel, read: checked messages go to their handler; any script of the origin
 * can post there, so what is malformed (or makes a handler throw) is counted as dropped and said.
 */
function shareInbox(host: PluginHost, closed: () => boolean, handlers: ShareHandlers): { receive(message: ShareMessage): void; refuse(why: string): void } {
  function refuse(why: string): void {
    if (!closed()) host.drop(destinationError('DESTINATION_MALFORMED_MESSAGE', `Dropped a message on the destinations channel of the bus "${host.name}": ${why}.`))
  }
  function receive(message: ShareMessage): void {
    if (closed()) return
    try {
      if (message.type === 'config') handlers.config()
      else if (message.type === 'queued') handlers.queued(message.ids)
      else if (message.type === 'status') handlers.status(message.statuses)
      else handlers.askStatus()
    } catch (cause) {
      // Checked messages cannot throw here; should one still, it is reported, never left uncaught.
      refuse(`handling it threw (${describeError(cause)})`)
    }
  }
  return { receive, refuse }
}
