import { Admission } from './admission'
import type { Bus, BusHandle, CoreBusOptions } from './bus-api'
import { BusState } from './bus-state'
import { EventClock } from './clock'
import { announceToDevtools } from './devtools-hook'
import { busError } from './errors'
import type { AnyEventMap, BusEvent, EventMap } from './event'
import type { HistoryQuery, SubscribeOptions } from './history-query'
import { newOriginId } from './ids'
import { Leadership } from './leadership'
import { checkOptions } from './options'
import { attachPlugin, type PluginHostParts } from './plugin-host'
import { compilePolicy, intersect, type Policy, type PolicyCheck } from './policy'
import type { HandlerContext, RequestOptions, RequestService } from './requests'
import { Subscriptions } from './subscriptions'

export type { Bus, BusHandle, BusStats, CoreBusOptions } from './bus-api'

/** The options `createBus` of `crossbus/core` takes. */
export const CORE_OPTIONS = ['name', 'policy', 'plugins'] as const
/** The job `bus.leader$` leads. */
const BUS_JOB = 'bus'

/**
 * Creates a bus with only the plugins it is given: local to this context unless a plugin such as
 * `sync()` links it to the others. `createBus` of `crossbus` adds sync and replay for you.
 *
 * @example
 * import { createBus } from 'crossbus/core'
 * import { sync } from 'crossbus/sync'
 * const bus = createBus<ShopEvents>({ name: 'shop', plugins: [sync()] })
 */
/* @__NO_SIDE_EFFECTS__ */
export function createBus<E extends EventMap = AnyEventMap>(options: CoreBusOptions = {}): Bus<E> {
  checkOptions(options, CORE_OPTIONS, 'createBus')
  const name = options.name ?? 'crossbus'
  if (typeof name !== 'string' || name === '') throw busError('INVALID_ARGUMENT', 'The bus name must be a non-empty string.')
  const plugins = options.plugins ?? []
  if (!Array.isArray(plugins)) throw busError('INVALID_ARGUMENT', 'createBus: `plugins` must be an array of plugins.')
  // One concept per part: shared state, clock, subscriptions (selection and delivery), admission
  // (the one way in), leadership, and the plugin hosts built from them.
  const state = new BusState(name, newOriginId())
  const rootPolicy = options.policy === undefined ? undefined : compilePolicy(options.policy, state.report)
  const clock = new EventClock()
  const subscriptions = new Subscriptions(state)
  const admission = new Admission(state, clock, rootPolicy, subscriptions.deliver)
  const leadership = new Leadership(state.plugins, state.origin)
  const parts: PluginHostParts = { state, admission, clock, subscriptions, leadership }
  const use = (plugin: Parameters<Bus['use']>[0]) => attachPlugin(plugin, parts)
  for (const plugin of plugins) use(plugin)

  // `request` and `handle` delegate to the requests plugin, like `history` to the history service.
  const requestService = (): RequestService => {
    state.ensureOpen()
    const service = state.plugins.offered('requests')
    if (!service) throw busError('REQUESTS_NOT_ENABLED', 'request() and handle() need the requests() plugin (createBus of crossbus adds it).')
    return service
  }
  /** A handle ruled by `policy` (none: the bus itself, with its own policy). */
  const handle = (policy: PolicyCheck | undefined): BusHandle<E> => {
    const self: BusHandle = {
      send: (system: string, kind: string, path: string, data?: unknown) => admission.send(policy, system, kind, path, data),
      subscribe: (pattern: string, kind?: string | SubscribeOptions, options?: SubscribeOptions) => subscriptions.subscribe(policy, pattern, kind, options),
      history: (pattern: string, kind?: string | HistoryQuery, query?: HistoryQuery) => subscriptions.history(policy, pattern, kind, query),
      flush: () => state.plugins.flush(),
      request: async (system: string, kind: string, path: string, data?: unknown, options?: RequestOptions) =>
        requestService().request({ handle: self, peers$: leadership.peers$ }, system, kind, path, data, options),
      handle: (system: string, kind: string, handler: (event: BusEvent, context: HandlerContext) => unknown) =>
        requestService().handle({ handle: self, peers$: leadership.peers$ }, system, kind, handler),
      scope: (inner: Policy) => handle(intersect(policy, compilePolicy(inner, state.report))),
    } as unknown as BusHandle
    return self as unknown as BusHandle<E>
  }

  let closing: Promise<void> | undefined
  const bus: Bus<E> = {
    ...handle(rootPolicy),
    name,
    origin: state.origin,
    errors$: state.errors.asObservable(),
    peers$: leadership.peers$,
    leader$: leadership.leads(BUS_JOB),
    get closed() {
      return state.closed
    },
    stats: () => ({ subscriptions: subscriptions.size, buffered: subscriptions.buffered, ...state.counters }),
    use,
    close: () => (closing ??= closeBus(state, subscriptions, leadership)),
  }
  announceToDevtools(bus as Bus)
  return bus
}

/** Ends every subscription, then closes the plugins (last attached first), then every stream. */
async function closeBus(state: BusState, subscriptions: Subscriptions, leadership: Leadership): Promise<void> {
  state.closed = true
  subscriptions.closeAll()
  await state.plugins.closeAll()
  state.plugins.presence$.complete()
  state.plugins.history$.complete()
  leadership.complete()
  state.errors.complete()
}
