import type { Observable } from 'rxjs'
import type { BusError } from './errors'
import type { AnyEventMap, AnyEventOf, DataArgs, EventMap, EventOf, KindOf, SystemOf } from './event'
import type { Policy } from './policy'
import type { BusSubscription } from './subscription'
import type { Peer } from '../sync/presence'
import type { HistoryQuery, ReplayOptions, SubscribeOptions } from '../replay/options'

// The public shape of a bus, apart from how `createBus` builds it.

export interface BusOptions {
  /** The bus namespace: buses of one name share events. Default `'crossbus'`. */
  readonly name?: string
  /** Who may send and subscribe; no policy allows everything. */
  readonly policy?: Policy
  /**
   * Keep history for `subscribe(..., { replay })` and `history()`: in IndexedDB, shared by every
   * context of the origin (default), or in memory. Off when absent.
   */
  readonly replay?: ReplayOptions
  /**
   * One bus with every bus of this name in the origin: tabs, iframes, workers. Default `true`;
   * outside a browser (Node, SSR) the bus stays local either way. `false` keeps it in this context.
   */
  readonly crossTab?: boolean
  /** Largest (estimated) event a cross-tab bus sends; larger ones fail with `TOO_LARGE`. Default 1 MiB. */
  readonly maxEventBytes?: number
}

/** Counters for tests, leak checks and the devtools. */
export interface BusStats {
  /** Open subscriptions (closing one, or the bus, brings this down). */
  readonly subscriptions: number
  /** Events this bus sent. */
  readonly sent: number
  /** Deliveries to subscriptions (one event to three subscriptions counts three). */
  readonly delivered: number
  /** Incoming messages refused (malformed, unknown version, crafted). */
  readonly dropped: number
  /** Events waiting in subscription channels. */
  readonly buffered: number
  /** Errors reported on `errors$`. */
  readonly errors: number
  /** Events from other contexts found lost in transit (a seq gap). */
  readonly gaps: number
}

/** What a micro-frontend holds: send and subscribe, within a policy. */
export interface BusHandle<E extends EventMap = AnyEventMap> {
  /**
   * Sends an event to every matching subscriber, synchronously here and in send order. Throws a
   * `BusError` (`INVALID`, not retryable) for an empty or invalid system, kind or path, or a send the
   * policy denies; a failed send delivers nothing anywhere.
   *
   * @example
   * bus.send('orders', 'order.created', '/orders/123', { order_id: '123', total: 99.99 })
   */
  send<S extends SystemOf<E>, K extends KindOf<E, S>>(system: S, kind: K, path: string, ...data: DataArgs<E[S][K]>): EventOf<E, S, K>

  /**
   * Subscribes to the systems matching a glob (`orders`, `orders.*`, `orders.**`, `{orders,users}`),
   * optionally only to kinds matching `kind`. With `{ replay }` (a bus created with `replay`),
   * the matching history comes first, then live events, none lost or repeated at the seam.
   *
   * @example
   * const sub = bus.subscribe('users', 'user.created')
   * sub.subscribe((e) => console.log(e.path, e.data))
   * bus.subscribe('orders.*', undefined, { replay: 'all' }).subscribe((e) => render(e))
   */
  subscribe<S extends SystemOf<E>, K extends KindOf<E, S>>(system: S, kind: K, options?: SubscribeOptions): BusSubscription<EventOf<E, S, K>>
  subscribe<S extends SystemOf<E>>(system: S, kind?: undefined, options?: SubscribeOptions): BusSubscription<EventOf<E, S>>
  subscribe(pattern: string, kind?: string, options?: SubscribeOptions): BusSubscription<AnyEventOf<E>>

  /**
   * The stored events matching a glob (and kind filter), oldest first, within retention;
   * `since` keeps those sent at or after an epoch-ms time, `limit` the latest that many.
   * Needs a bus created with `replay`.
   *
   * @example
   * const last10 = await bus.history('orders.*', 'order.created', { limit: 10 })
   */
  history<S extends SystemOf<E>, K extends KindOf<E, S>>(system: S, kind: K, query?: HistoryQuery): Promise<EventOf<E, S, K>[]>
  history<S extends SystemOf<E>>(system: S, kind?: undefined, query?: HistoryQuery): Promise<EventOf<E, S>[]>
  history(pattern: string, kind?: string, query?: HistoryQuery): Promise<AnyEventOf<E>[]>

  /**
   * Resolves once every event this context sent so far is stored (in memory if IndexedDB
   * failed); at once on a bus without `replay`. Never rejects.
   *
   * @example
   * bus.send('cart', 'cart.checked_out', '/cart')
   * await bus.flush()
   * location.assign('/thanks')
   */
  flush(): Promise<void>

  /**
   * A handle that may send and subscribe only where `policy` allows (and where this handle
   * already may): give one to each micro-frontend.
   *
   * @example
   * const cart = bus.scope({ send: ['cart.*'], subscribe: ['orders.*', 'cart.**'] })
   */
  scope(policy: Policy): BusHandle<E>
}

export interface Bus<E extends EventMap = AnyEventMap> extends BusHandle<E> {
  readonly name: string
  /** This instance's id: the `origin` of every event it sends. */
  readonly id: string
  /** Failures that did not stop the bus: throwing handlers, refused messages, storage trouble. */
  readonly errors$: Observable<BusError>
  readonly closed: boolean
  stats(): BusStats
  /**
   * The live instances of this bus (this one included, `self: true`), oldest first, kept current
   * while observed. A local bus has only itself.
   *
   * @example
   * bus.peers$.subscribe((peers) => console.log(`${peers.length} contexts`))
   */
  readonly peers$: Observable<readonly Peer[]>
  /**
   * Whether this instance is the one leader among the instances observing `leader$`: for work
   * that must happen once per origin. Starts `false`; a local bus leads alone.
   *
   * @example
   * bus.leader$.subscribe((leading) => (leading ? startPolling() : stopPolling()))
   */
  readonly leader$: Observable<boolean>
  /** Ends every subscription and releases what the bus holds. Idempotent. */
  close(): void
}
