import { computed, customRef, getCurrentScope, hasInjectionContext, inject, isRef, onScopeDispose, shallowRef, ssrContextKey, toValue, watch, type MaybeRefOrGetter, type Ref } from 'vue'
import { IDLE, requestRunner, type RequestState } from '../adapters/request-runner'
import { keepLatest, limitOf, type UseEventsOptions, type UseLatestEventOptions } from '../adapters/shared'
import type { AnyEventMap, BusError, BusEvent, BusHandle, BusSubscription, EventMap, EventsMatching, KindArg, KindOf, ReplaySpec, ReplyFor, RequestArgs, RequestKindOf, SystemOf, SystemPatternArg } from '../core/index'
import { useBus } from './plugin'

/**
 * The crossbus composables, typed by an event map. `createBusComposables<ShopEvents>()` returns
 * them typed; the composables exported from `crossbus/vue` are the same functions, untyped.
 * Pattern and kind may be refs or getters: a change resubscribes. What a composable subscribes
 * to is closed when its scope (component or `effectScope`) is disposed.
 *
 * With a map, a pattern or kind that can match nothing of it is a type error (the message lists
 * what exists), and a glob narrows the events to the systems and kinds it matches, as
 * `bus.subscribe` does. The overload with a kind comes last: it is the one whose error is shown.
 *
 * `useEvents` and `useLatestEvent` open with an overload for a kind getter. The compiler types a
 * function argument once, against the first overload that reaches it: were that the options
 * overload, `() => 'item.addd'` would be typed `() => string` and then pass as "any kind".
 */
export interface BusComposables<E extends EventMap = AnyEventMap> {
  /** The handle given by the plugin or `provideBus`. */
  useBus(): BusHandle<E>

  /**
   * Calls `handler` for every matching event until the scope is disposed.
   *
   * @example
   * useEvent('cart', 'item.added', (e) => toast(`${e.data.name} added`))
   */
  useEvent<P extends string>(pattern: MaybeRefOrGetter<SystemPatternArg<E, P>>, handler: (event: EventsMatching<E, P>) => void): void
  useEvent<P extends string, K extends string | undefined>(
    pattern: MaybeRefOrGetter<SystemPatternArg<E, P>>,
    kind: MaybeRefOrGetter<KindArg<E, P, K>>,
    handler: (event: EventsMatching<E, P, K>) => void,
  ): void

  /**
   * A ref of the last `limit` (default 100) matching events, oldest first; every event of a burst
   * is kept. A new pattern or kind starts over.
   *
   * @example
   * const added = useEvents('cart', 'item.added', { limit: 10, replay: 'all' })
   */
  useEvents<P extends string, K extends string | undefined>(
    pattern: MaybeRefOrGetter<SystemPatternArg<E, P>>,
    kind: () => KindArg<E, P, K>,
    options?: UseEventsOptions,
  ): Readonly<Ref<readonly EventsMatching<E, P, K>[]>>
  useEvents<P extends string>(pattern: MaybeRefOrGetter<SystemPatternArg<E, P>>, options?: UseEventsOptions): Readonly<Ref<readonly EventsMatching<E, P>[]>>
  useEvents<P extends string, K extends string | undefined = undefined>(
    pattern: MaybeRefOrGetter<SystemPatternArg<E, P>>,
    kind?: MaybeRefOrGetter<KindArg<E, P, K>>,
    options?: UseEventsOptions,
  ): Readonly<Ref<readonly EventsMatching<E, P, K>[]>>

  /**
   * A ref of the last matching event, `undefined` before the first.
   *
   * @example
   * const listing = useLatestEvent('inventory', 'catalog.listed', { replay: 1 })
   */
  useLatestEvent<P extends string, K extends string | undefined>(
    pattern: MaybeRefOrGetter<SystemPatternArg<E, P>>,
    kind: () => KindArg<E, P, K>,
    options?: UseLatestEventOptions,
  ): Readonly<Ref<EventsMatching<E, P, K> | undefined>>
  useLatestEvent<P extends string>(pattern: MaybeRefOrGetter<SystemPatternArg<E, P>>, options?: UseLatestEventOptions): Readonly<Ref<EventsMatching<E, P> | undefined>>
  useLatestEvent<P extends string, K extends string | undefined = undefined>(
    pattern: MaybeRefOrGetter<SystemPatternArg<E, P>>,
    kind?: MaybeRefOrGetter<KindArg<E, P, K>>,
    options?: UseLatestEventOptions,
  ): Readonly<Ref<EventsMatching<E, P, K> | undefined>>

  /**
   * The handle's `send`. A scoped handle's policy applies (a denied send throws `POLICY_DENIED`).
   *
   * @example
   * const send = useSend()
   * const add = () => send('cart', 'item.added', '/cart/tea', { sku: 'tea', price: 4 })
   */
  useSend(): BusHandle<E>['send']

  /**
   * Asks the bus (`bus.request`): `request(data?, options?)` sends, and the refs `data`, `error`
   * and `loading` follow it. One request at a time: a new one cancels the one on its way, and
   * disposing the scope cancels it too. `request` resolves with the reply, or `undefined` when it
   * failed (then `error` says why); it never rejects. `path` may be a ref or a getter.
   *
   * @example
   * const price = useRequest('cart', 'cart.price', '/cart')
   * const reprice = () => price.request({ items: items.value })
   */
  useRequest<S extends SystemOf<E>, K extends RequestKindOf<E, S> & KindOf<E, S>>(system: S, kind: K, path: MaybeRefOrGetter<string>): UseRequestRefs<E[S][K], ReplyFor<E, S, K>>
}

/** What `useRequest` returns: refs of the last request's state, and `request` to send one. */
export interface UseRequestRefs<Q, R> {
  readonly data: Readonly<Ref<R | undefined>>
  readonly error: Readonly<Ref<BusError | undefined>>
  readonly loading: Readonly<Ref<boolean>>
  request(...args: RequestArgs<Q>): Promise<R | undefined>
}

type Handler = (event: BusEvent) => void
type KindArgument = MaybeRefOrGetter<string | undefined>

/**
 * Keeps one subscription to the current pattern and kind: opened now, reopened when either
 * changes (synchronously, so an event sent right after the change is received), closed when the
 * scope is disposed. `restart` runs before each (re)subscription, e.g. to clear kept events.
 * During server rendering nothing subscribes: nothing would ever close it.
 */
function keepSubscribed(
  pattern: MaybeRefOrGetter<string>,
  kind: KindArgument,
  replay: ReplaySpec | undefined,
  handler: Handler,
  restart?: () => void,
): void {
  const bus = useBus()
  if (isServerRendering()) return
  let subscription: BusSubscription | undefined
  const open = (currentPattern: string, currentKind: string | undefined) => {
    subscription?.close()
    restart?.()
    subscription = bus.subscribe(currentPattern, currentKind, { replay })
    subscription.subscribe(handler)
  }
  // The first subscription opens here rather than in the watcher, so a denied or malformed
  // pattern throws from setup like any other mistake there.
  open(toValue(pattern), toValue(kind))
  watch([() => toValue(pattern), () => toValue(kind)], ([nextPattern, nextKind]) => open(nextPattern, nextKind), { flush: 'sync' })
  onScopeDispose(() => {
    subscription?.close()
    subscription = undefined
  })
}

function useEventImpl(pattern: MaybeRefOrGetter<string>, kindOrHandler: KindArgument | Handler, maybeHandler?: Handler): void {
  // A kind getter is a function too: a handler is the argument that is last.
  const [kind, handler] = maybeHandler === undefined ? [undefined, kindOrHandler as Handler] : [kindOrHandler as KindArgument, maybeHandler]
  keepSubscribed(pattern, kind, undefined, handler)
}

function useEventsImpl(pattern: MaybeRefOrGetter<string>, kindOrOptions?: KindArgument | UseEventsOptions, maybeOptions?: UseEventsOptions): Readonly<Ref<readonly BusEvent[]>> {
  const [kind, options = {}] = isOptions(kindOrOptions) ? [undefined, kindOrOptions] : [kindOrOptions, maybeOptions]
  const latest = keepLatest(limitOf(options))
  // A custom ref, so that a burst of events is copied once, when it is read, not once per event.
  let changed = () => {}
  const events = customRef<readonly BusEvent[]>((track, trigger) => {
    changed = trigger
    return {
      get() {
        track()
        return latest.snapshot()
      },
      set() {}, // read-only: the type returned says so
    }
  })
  const receive = (event: BusEvent) => {
    latest.push(event)
    changed()
  }
  const restart = () => {
    latest.clear()
    changed()
  }
  keepSubscribed(pattern, kind, options.replay, receive, restart)
  return events
}

function useLatestEventImpl(pattern: MaybeRefOrGetter<string>, kindOrOptions?: KindArgument | UseLatestEventOptions, maybeOptions?: UseLatestEventOptions): Readonly<Ref<BusEvent | undefined>> {
  const [kind, options = {}] = isOptions(kindOrOptions) ? [undefined, kindOrOptions] : [kindOrOptions, maybeOptions]
  const events = useEventsImpl(pattern, kind, { limit: 1, replay: options.replay })
  return computed(() => events.value[events.value.length - 1])
}

function useSendImpl(): BusHandle['send'] {
  const bus = useBus()
  return bus.send.bind(bus) as BusHandle['send']
}

function useRequestImpl(system: string, kind: string, path: MaybeRefOrGetter<string>): UseRequestRefs<unknown, unknown> {
  const bus = useBus()
  const state = shallowRef<RequestState<unknown>>(IDLE)
  const runner = requestRunner(() => bus as BusHandle, () => [system, kind, toValue(path)], (next) => (state.value = next))
  if (getCurrentScope()) onScopeDispose(() => runner.dispose())
  return {
    data: computed(() => state.value.data),
    error: computed(() => state.value.error),
    loading: computed(() => state.value.loading),
    request: runner.request,
  }
}

// A plain object is options; a string, a ref (an object too, but branded) or a getter is a kind.
function isOptions<O extends object>(value: KindArgument | O | undefined): value is O {
  return typeof value === 'object' && value !== null && !isRef(value)
}

// The server renderer provides its context to every component it renders; nothing else does.
function isServerRendering(): boolean {
  return hasInjectionContext() && inject(ssrContextKey, null) !== null
}

/**
 * The composables typed by your event map: pattern, kind and event data are checked and
 * inferred. It returns the same functions as the plain exports, so it costs nothing at runtime.
 *
 * @example
 * export const { useEvent, useEvents, useLatestEvent, useSend, useBus } = createBusComposables<ShopEvents>()
 */
/* @__NO_SIDE_EFFECTS__ */
export function createBusComposables<E extends EventMap>(): BusComposables<E> {
  const composables: BusComposables = { useBus, useEvent, useEvents, useLatestEvent, useSend, useRequest }
  return composables as unknown as BusComposables<E>
}

/** Calls `handler` for every matching event until the scope is disposed; see {@link BusComposables.useEvent}. */
export const useEvent = useEventImpl as BusComposables['useEvent']
/** A ref of the last matching events; see {@link BusComposables.useEvents}. */
export const useEvents = useEventsImpl as BusComposables['useEvents']
/** A ref of the last matching event; see {@link BusComposables.useLatestEvent}. */
export const useLatestEvent = useLatestEventImpl as BusComposables['useLatestEvent']
/** The handle's `send`; see {@link BusComposables.useSend}. */
export const useSend = useSendImpl as BusComposables['useSend']
/** Sends requests, with their state as refs; see {@link BusComposables.useRequest}. */
export const useRequest = useRequestImpl as unknown as BusComposables['useRequest']
