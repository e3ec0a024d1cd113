import { useEffect, useInsertionEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react'
import { IDLE, requestRunner, type RequestState } from '../adapters/request-runner'
import { NO_EVENTS, type UseEventsOptions, type UseLatestEventOptions } from '../adapters/shared'
import type { AnyEventMap, BusEvent, BusHandle, EventMap, EventsMatching, KindArg, KindOf, ReplyFor, RequestArgs, RequestKindOf, SystemOf, SystemPatternArg } from '../core/index'
import { useBus } from './context'
import { createRecentEvents, replayKey } from './recent-events'

/**
 * The crossbus hooks, typed by an event map. `createBusHooks<ShopEvents>()` returns them typed;
 * the hooks exported from `crossbus/react` are the same functions, untyped.
 *
 * With a map, a pattern or kind that can match nothing of it is a type error (the message lists
 * what exists), and a glob narrows the events to the systems and kinds it matches, as
 * `bus.subscribe` does. The overload with a kind comes last: it is the one whose error is shown.
 */
export interface BusHooks<E extends EventMap = AnyEventMap> {
  /** The handle of the nearest `BusProvider`. */
  useBus(): BusHandle<E>

  /**
   * Calls `handler` for every matching event while the component is mounted. The latest handler
   * is called (no resubscribe when only the handler changes); a new pattern or kind resubscribes.
   *
   * @example
   * useEvent('cart', 'item.added', (e) => toast(`${e.data.name} added`))
   */
  useEvent<P extends string>(pattern: SystemPatternArg<E, P>, handler: (event: EventsMatching<E, P>) => void): void
  useEvent<P extends string, K extends string | undefined>(pattern: SystemPatternArg<E, P>, kind: KindArg<E, P, K>, handler: (event: EventsMatching<E, P, K>) => void): void

  /**
   * The last `limit` (default 100) matching events, oldest first, as state. Every event of a burst
   * is kept. A new pattern, kind, limit or replay starts over with a new subscription.
   *
   * @example
   * const added = useEvents('cart', 'item.added', { limit: 10, replay: 'all' })
   */
  useEvents<P extends string>(pattern: SystemPatternArg<E, P>, options?: UseEventsOptions): readonly EventsMatching<E, P>[]
  useEvents<P extends string, K extends string | undefined = undefined>(pattern: SystemPatternArg<E, P>, kind?: KindArg<E, P, K>, options?: UseEventsOptions): readonly EventsMatching<E, P, K>[]

  /**
   * The last matching event, or `undefined` before the first.
   *
   * @example
   * const listing = useLatestEvent('inventory', 'catalog.listed', { replay: 1 })
   */
  useLatestEvent<P extends string>(pattern: SystemPatternArg<E, P>, options?: UseLatestEventOptions): EventsMatching<E, P> | undefined
  useLatestEvent<P extends string, K extends string | undefined = undefined>(pattern: SystemPatternArg<E, P>, kind?: KindArg<E, P, K>, options?: UseLatestEventOptions): EventsMatching<E, P, K> | undefined

  /**
   * The provider's `send`, stable for as long as the handle is: safe in dependency lists. A scoped
   * handle's policy applies (a denied send throws `POLICY_DENIED`).
   *
   * @example
   * const send = useSend()
   * <button onClick={() => send('cart', 'item.added', '/cart/tea', { sku: 'tea', price: 4 })}>Add</button>
   */
  useSend(): BusHandle<E>['send']

  /**
   * Asks the bus (`bus.request`) from a component: `request(data?, options?)` sends, and `data`,
   * `error` and `loading` follow it as state. One request at a time: a new one cancels the one on
   * its way, and unmounting cancels it too. `request` resolves with the reply, or `undefined` when
   * it failed (then `error` says why); it never rejects.
   *
   * @example
   * const price = useRequest('cart', 'cart.price', '/cart')
   * <button onClick={() => price.request({ items })}>{price.loading ? '...' : price.data?.total}</button>
   */
  useRequest<S extends SystemOf<E>, K extends RequestKindOf<E, S> & KindOf<E, S>>(system: S, kind: K, path: string): UseRequest<E[S][K], ReplyFor<E, S, K>>
}

/** What `useRequest` returns: the state of the last request, and `request` to send one. */
export interface UseRequest<Q, R> extends RequestState<R> {
  request(...args: RequestArgs<Q>): Promise<R | undefined>
}

type Handler = (event: BusEvent) => void

function useEventImpl(pattern: string, kindOrHandler: string | undefined | Handler, maybeHandler?: Handler): void {
  const bus = useBus()
  const [kind, handler] = typeof kindOrHandler === 'function' ? [undefined, kindOrHandler] : [kindOrHandler, maybeHandler!]
  const latest = useRef(handler)
  // Updated before any layout effect can send, and never during render (which React may discard).
  useInsertionEffect(() => {
    latest.current = handler
  })
  useEffect(() => {
    const subscription = bus.subscribe(pattern, kind)
    subscription.subscribe((event) => latest.current(event))
    return () => subscription.close()
  }, [bus, pattern, kind])
}

function useEventsImpl(pattern: string, kindOrOptions?: string | UseEventsOptions, maybeOptions?: UseEventsOptions): readonly BusEvent[] {
  const bus = useBus()
  const [kind, options = {}] = typeof kindOrOptions === 'object' && kindOrOptions !== null ? [undefined, kindOrOptions] : [kindOrOptions, maybeOptions]
  const { limit, replay } = options
  const replayAs = replayKey(replay)
  // `replayAs` stands for `replay` so that an inline `{ since }` object keeps the same store.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const store = useMemo(() => createRecentEvents(bus, pattern, kind, { limit, replay }), [bus, pattern, kind, limit, replayAs])
  return useSyncExternalStore(store.subscribe, store.getSnapshot, getServerSnapshot)
}

function useLatestEventImpl(pattern: string, kindOrOptions?: string | UseLatestEventOptions, maybeOptions?: UseLatestEventOptions): BusEvent | undefined {
  const [kind, options = {}] = typeof kindOrOptions === 'object' && kindOrOptions !== null ? [undefined, kindOrOptions] : [kindOrOptions, maybeOptions]
  const events = useEventsImpl(pattern, kind, { limit: 1, replay: options.replay })
  return events[events.length - 1]
}

function useSendImpl(): BusHandle['send'] {
  const bus = useBus()
  // Bound so a handle whose methods use `this` works too.
  return useMemo(() => bus.send.bind(bus) as BusHandle['send'], [bus])
}

function useRequestImpl(system: string, kind: string, path: string): UseRequest<unknown, unknown> {
  const bus = useBus()
  const [state, setState] = useState<RequestState<unknown>>(IDLE)
  const target = useRef([system, kind, path] as const)
  useInsertionEffect(() => {
    target.current = [system, kind, path]
  })
  const runner = useMemo(() => requestRunner(() => bus as BusHandle, () => target.current, setState), [bus])
  useEffect(() => () => runner.dispose(), [runner])
  return { ...state, request: runner.request }
}

// The server never subscribes, so it renders no events; hydration starts from the same.
function getServerSnapshot(): readonly BusEvent[] {
  return NO_EVENTS
}

/**
 * The hooks typed by your event map: pattern, kind and event data are checked and inferred.
 * It returns the same functions as the plain exports, so it costs nothing at runtime.
 *
 * @example
 * export const { useEvent, useEvents, useLatestEvent, useSend, useBus } = createBusHooks<ShopEvents>()
 */
/* @__NO_SIDE_EFFECTS__ */
export function createBusHooks<E extends EventMap>(): BusHooks<E> {
  const hooks: BusHooks = { useBus, useEvent, useEvents, useLatestEvent, useSend, useRequest }
  return hooks as unknown as BusHooks<E>
}

/** Calls `handler` for every matching event while mounted; see {@link BusHooks.useEvent}. */
export const useEvent = useEventImpl as BusHooks['useEvent']
/** The last matching events as state; see {@link BusHooks.useEvents}. */
export const useEvents = useEventsImpl as BusHooks['useEvents']
/** The last matching event; see {@link BusHooks.useLatestEvent}. */
export const useLatestEvent = useLatestEventImpl as BusHooks['useLatestEvent']
/** A stable `send` of the provider's handle; see {@link BusHooks.useSend}. */
export const useSend = useSendImpl as BusHooks['useSend']
/** Sends requests from a component, with their state; see {@link BusHooks.useRequest}. */
export const useRequest = useRequestImpl as unknown as BusHooks['useRequest']
