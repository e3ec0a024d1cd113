import { busError, checkOptions, CORE_OPTIONS, createBus as createCoreBus, type AnyEventMap, type Bus, type BusPlugin, type CoreBusOptions, type EventMap } from './core/index'
import { replay, type ReplayOptions } from './replay/index'
import { requests } from './rpc/index'
import { sync } from './sync/index'

export interface BusOptions extends CoreBusOptions {
  /**
   * Keep history for `subscribe(..., { replay })` and `history()`: in IndexedDB, shared by every
   * context of the origin (default), or in memory. Off when absent. Adds the `replay()` plugin.
   */
  readonly replay?: ReplayOptions
  /**
   * One bus with every bus of this name in the origin: tabs, iframes, workers. Default `true`
   * (adds the `sync()` plugin); outside a browser (Node, SSR) the bus stays local either way.
   * `false` keeps it in this context.
   */
  readonly crossTab?: boolean
  /** Largest (estimated) event a cross-tab bus sends; larger ones fail with `SYNC_TOO_LARGE`. Default 1 MiB. */
  readonly maxEventBytes?: number
}

/**
 * Creates a bus: synced across the origin's tabs, workers and iframes (unless `crossTab: false`)
 * and with history when given `replay`. Typed with an event map, `send` checks kind and data
 * against the system and subscribers get typed data; untyped, any names and data go.
 *
 * This is `createBus` of `crossbus/core` with the `sync()` and `replay()` plugins added from the
 * options, and `requests()` (for `request` and `handle`, loaded on first use) unless `plugins`
 * has one; import that one to pay only for the plugins you pass.
 *
 * @example
 * interface ShopEvents { orders: { 'order.created': { order_id: string; total: number } } }
 * const bus = createBus<ShopEvents>({ name: 'shop' })
 * bus.subscribe('orders').subscribe((e) => console.log(e.data.total))
 * bus.send('orders', 'order.created', '/orders/123', { order_id: '123', total: 99.99 })
 */
/* @__NO_SIDE_EFFECTS__ */
export function createBus<E extends EventMap = AnyEventMap>(options: BusOptions = {}): Bus<E> {
  checkOptions(options, [...CORE_OPTIONS, 'crossTab', 'maxEventBytes', 'replay'], 'createBus')
  const { crossTab = true, maxEventBytes, replay: replayOptions, plugins = [], ...core } = options
  if (typeof crossTab !== 'boolean') throw busError('INVALID_ARGUMENT', `createBus: crossTab must be true or false, got ${JSON.stringify(crossTab)}.`)
  if (!Array.isArray(plugins)) throw busError('INVALID_ARGUMENT', 'createBus: `plugins` must be an array of plugins.')
  const defaults: BusPlugin[] = []
  // Checked even on a local bus, so a wrong value never waits for the day crossTab is turned on.
  const syncPlugin = sync(maxEventBytes === undefined ? {} : { maxEventBytes })
  if (crossTab) defaults.push(syncPlugin)
  if (replayOptions !== undefined) defaults.push(replay(replayOptions))
  // request() and handle(): a check per event up front, the protocol loaded on first use.
  if (!plugins.some((plugin) => plugin?.name === 'requests')) defaults.push(requests())
  return createCoreBus<E>({ ...core, plugins: [...defaults, ...plugins] })
}
