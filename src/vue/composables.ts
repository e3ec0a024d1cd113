import {
  hasInjectionContext,
  inject,
  isRef,
  onScopeDispose,
  shallowRef,
  ssrContextKey,
  toValue,
  watch,
  type MaybeRefOrGetter,
  type Ref,
} from 'vue'
import type { BusHandle } from '../core/bus'
import { invalid } from '../core/errors'
import type { AnyEventMap, AnyEventOf, BusEvent, EventMap, EventOf, KindOf, SystemOf } from '../core/event'
import type { BusSubscription } from '../core/subscription'
import type { ReplaySpec } from '../replay/index'
import { useBus } from './plugin'

/** Any event of the systems `S`: one union member per system, so a ref of several systems works. */
export type SystemEvent<E extends EventMap, S extends SystemOf<E>> = S extends unknown ? EventOf<E, S> : never

/** `useEvents(pattern, kind?, options)`. */
export interface UseEventsOptions {
  /** How many of the latest matching events to keep (oldest first). Default 100; `Infinity` keeps all. */
  readonly limit?: number
  /** Start with matching history (on a bus created with `replay`), then live events. */
  readonly replay?: ReplaySpec
}

/** `useLatestEvent(pattern, kind?, options)`. */
export interface UseLatestEventOptions {
  /** Start from history (on a bus created with `replay`); `1` shows the last stored event at once. */
  readonly replay?: ReplaySpec
}

type Pattern<S extends string> = MaybeRefOrGetter<S>
type Kind<K extends string | undefined> = MaybeRefOrGetter<K>

/**
 * The crossbus composables, typed by an event map. `createBusComposables<ShopEvents>()` returns
 * them typed; the composables exported from `crossbus/vue` are the same functions, untyped.
 * Pattern and kind may be refs or getters: a change resubscribes. What a composable subscribes
 * to is closed when its scope (component or `effectScope`) is disposed.
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
  useEvent<S extends SystemOf<E>, K extends KindOf<E, S>>(system: Pattern<S>, kind: Kind<K>, handler: (event: EventOf<E, S, K>) => void): void
  useEvent<S extends SystemOf<E>>(system: Pattern<S>, handler: (event: SystemEvent<E, S>) => void): void
  useEvent<S extends SystemOf<E>>(system: Pattern<S>, kind: undefined, handler: (event: SystemEvent<E, S>) => void): void
  useEvent(pattern: Pattern<string>, kind: Kind<string | undefined>, handler: (event: AnyEventOf<E>) => void): void
  useEvent(pattern: Pattern<string>, handler: (event: AnyEventOf<E>) => void): void

  /**
   * A ref of the last `limit` (default 100) matching events, oldest first; every event of a burst
   * is kept. A new pattern or kind starts over.
   *
   * @example
   * const added = useEvents('cart', 'item.added', { limit: 10, replay: 'all' })
   */
  useEvents<S extends SystemOf<E>, K extends KindOf<E, S>>(system: Pattern<S>, kind: Kind<K>, options?: UseEventsOptions): Readonly<Ref<readonly EventOf<E, S, K>[]>>
  useEvents<S extends SystemOf<E>>(system: Pattern<S>, options?: UseEventsOptions): Readonly<Ref<readonly SystemEvent<E, S>[]>>
  useEvents<S extends SystemOf<E>>(system: Pattern<S>, kind: undefined, options?: UseEventsOptions): Readonly<Ref<readonly SystemEvent<E, S>[]>>
  useEvents(pattern: Pattern<string>, kind?: Kind<string | undefined>, options?: UseEventsOptions): Readonly<Ref<readonly AnyEventOf<E>[]>>
  useEvents(pattern: Pattern<string>, options?: UseEventsOptions): Readonly<Ref<readonly AnyEventOf<E>[]>>

  /**
   * A ref of the last matching event, `undefined` before the first.
   *
   * @example
   * const listing = useLatestEvent('inventory', 'catalog.listed', { replay: 1 })
   */
  useLatestEvent<S extends SystemOf<E>, K extends KindOf<E, S>>(system: Pattern<S>, kind: Kind<K>, options?: UseLatestEventOptions): Readonly<Ref<EventOf<E, S, K> | undefined>>
  useLatestEvent<S extends SystemOf<E>>(system: Pattern<S>, options?: UseLatestEventOptions): Readonly<Ref<SystemEvent<E, S> | undefined>>
  useLatestEvent<S extends SystemOf<E>>(system: Pattern<S>, kind: undefined, options?: UseLatestEventOptions): Readonly<Ref<SystemEvent<E, S> | undefined>>
  useLatestEvent(pattern: Pattern<string>, kind?: Kind<string | undefined>, options?: UseLatestEventOptions): Readonly<Ref<AnyEventOf<E> | undefined>>
  useLatestEvent(pattern: Pattern<string>, options?: UseLatestEventOptions): Readonly<Ref<AnyEventOf<E> | undefined>>

  /**
   * The handle's `send`. A scoped handle's policy applies (a denied send throws `POLICY_DENIED`).
   *
   * @example
   * const send = useSend()
   * const add = () => send('cart', 'item.added', '/cart/tea', { sku: 'tea', price: 4 })
   */
  useSend(): BusHandle<E>['send']
}

type Handler = (event: BusEvent) => void
type KindArg = MaybeRefOrGetter<string | undefined>

const DEFAULT_LIMIT = 100

/**
 * Keeps one subscription to the current pattern and kind: opened now, reopened when either
 * changes (synchronously, so an event sent right after the change is received), closed when the
 * scope is disposed. `restart` runs before each (re)subscription, e.g. to clear kept events.
 * During server rendering nothing subscribes: nothing would ever close it.
 */
function keepSubscribed(
  pattern: MaybeRefOrGetter<string>,
  kind: KindArg,
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

function useEventImpl(pattern: MaybeRefOrGetter<string>, kindOrHandler: KindArg | Handler, maybeHandler?: Handler): void {
  // A kind getter is a function too: a handler is the argument that is last.
  const [kind, handler] = maybeHandler === undefined ? [undefined, kindOrHandler as Handler] : [kindOrHandler as KindArg, maybeHandler]
  keepSubscribed(pattern, kind, undefined, handler)
}

function useEventsImpl(pattern: MaybeRefOrGetter<string>, kindOrOptions?: KindArg | UseEventsOptions, maybeOptions?: UseEventsOptions): Readonly<Ref<readonly BusEvent[]>> {
  const [kind, options = {}] = isOptions(kindOrOptions) ? [undefined, kindOrOptions] : [kindOrOptions, maybeOptions]
  const limit = checkLimit(options.limit ?? DEFAULT_LIMIT)
  const events = shallowRef<readonly BusEvent[]>([])
  keepSubscribed(
    pattern,
    kind,
    options.replay,
    (event) => {
      const kept = events.value.length >= limit ? events.value.slice(events.value.length - limit + 1) : events.value.slice()
      kept.push(event)
      events.value = kept
    },
    () => (events.value = []),
  )
  return events
}

function useLatestEventImpl(pattern: MaybeRefOrGetter<string>, kindOrOptions?: KindArg | UseLatestEventOptions, maybeOptions?: UseLatestEventOptions): Readonly<Ref<BusEvent | undefined>> {
  const [kind, options = {}] = isOptions(kindOrOptions) ? [undefined, kindOrOptions] : [kindOrOptions, maybeOptions]
  const latest = shallowRef<BusEvent | undefined>(undefined)
  keepSubscribed(pattern, kind, options.replay, (event) => (latest.value = event), () => (latest.value = undefined))
  return latest
}

function useSendImpl(): BusHandle['send'] {
  const bus = useBus()
  return bus.send.bind(bus) as BusHandle['send']
}

// A plain object is options; a string, a ref (an object too, but branded) or a getter is a kind.
function isOptions<O extends object>(value: KindArg | O | undefined): value is O {
  return typeof value === 'object' && value !== null && !isRef(value)
}

// The server renderer provides its context to every component it renders; nothing else does.
function isServerRendering(): boolean {
  return hasInjectionContext() && inject(ssrContextKey, null) !== null
}

function checkLimit(limit: number): number {
  if (limit === Infinity || (Number.isInteger(limit) && limit > 0)) return limit
  throw invalid('INVALID_ARGUMENT', `limit must be a positive integer or Infinity, got ${String(limit)}.`)
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
  const composables: BusComposables = { useBus, useEvent, useEvents, useLatestEvent, useSend }
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
