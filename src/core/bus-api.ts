import type { Observable } from 'rxjs'
import type { BusError } from './errors'
import type { AnyEventMap, DataArgs, EventMap, EventOf, KindOf, SystemOf } from './event'
import type { EventsMatching, KindArg, SystemPatternArg } from './pattern-types'
import type { Policy } from './policy'
import type { HistoryQuery, SubscribeOptions } from './history-query'
import type { AttachedPlugin, BusPlugin, Peer } from './plugin'
import type { BusSubscription } from './subscription'
import type { ReplyFor, RequestArgs, RequestHandler, RequestHandlerFn, RequestKindOf } from './requests'

// The public shape of a bus, apart from how `createBus` builds it.

/** `createBus` of `crossbus/core`: a bus with only the plugins it is given. */
export interface CoreBusOptions {
  /** The bus namespace: buses of one name share events. Default `'crossbus'`. */
  readonly name?: string
  /** Who may send and subscribe; no policy allows everything. */
  readonly policy?: Policy
  /** Plugins attached at creation, in order (see `BusPlugin`); `bus.use()` attaches more later. */
  readonly plugins?: readonly BusPlugin[]
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
  // A pattern or kind that matches nothing of the map is a type error (see ./pattern-types). The
  // kind overload comes last: the compiler reports the last overload's error, which lists the kinds.
  subscribe<P extends string>(pattern: SystemPatternArg<E, P>, options: SubscribeOptions): BusSubscription<EventsMatching<E, P>>
  subscribe<P extends string, K extends string | undefined = undefined>(pattern: SystemPatternArg<E, P>, kind?: KindArg<E, P, K>, options?: SubscribeOptions): BusSubscription<EventsMatching<E, P, K>>

  /**
   * The stored events matching a glob (and kind filter), oldest first, within retention;
   * `since` keeps those sent at or after an epoch-ms time, `limit` the latest that many.
   * Needs a bus created with `replay`.
   *
   * @example
   * const last10 = await bus.history('orders.*', 'order.created', { limit: 10 })
   */
  history<P extends string>(pattern: SystemPatternArg<E, P>, query: HistoryQuery): Promise<EventsMatching<E, P>[]>
  history<P extends string, K extends string | undefined = undefined>(pattern: SystemPatternArg<E, P>, kind?: KindArg<E, P, K>, query?: HistoryQuery): Promise<EventsMatching<E, P, K>[]>

  /**
   * Resolves once the plugins' pending work is done: every event this context sent so far is
   * stored (in memory if IndexedDB failed), outboxes drained. At once on a bus without plugins
   * that hold work. Never rejects.
   *
   * @example
   * bus.send('cart', 'cart.checked_out', '/cart')
   * await bus.flush()
   * location.assign('/thanks')
   */
  flush(): Promise<void>

  /**
   * Asks every context of the bus (this one, other tabs, workers, frames) and resolves with the one
   * reply (see `handle`). Needs the `requests()` plugin (`createBus` of `crossbus` has it). Fails with
   * a `BusError`: `NOT_FOUND` when no context handles the kind, `TIMEOUT` (retryable) after
   * `timeoutMs`, the handler's own message when it throws, `REQUEST_CANCELED` when `signal` aborts,
   * `REQUEST_HANDLER_GONE` when the handling context closes first. The request and its reply are
   * ordinary events: a handle may request only where its policy lets it send.
   *
   * @example
   * const { total } = await bus.request('cart', 'cart.price', '/cart', { items: ['a'] }, { timeoutMs: 2000 })
   */
  request<S extends SystemOf<E>, K extends RequestKindOf<E, S> & KindOf<E, S>>(system: S, kind: K, path: string, ...args: RequestArgs<E[S][K]>): Promise<ReplyFor<E, S, K>>

  /**
   * Answers the requests of one kind, from any context. When several contexts handle a kind, the
   * first to claim a request answers it and the others stay silent. Needs subscribe and send on
   * the system under this handle's policy. `close()` on the result stops handling.
   *
   * @example
   * const pricing = bus.handle('cart', 'cart.price', (e) => ({ total: e.data.items.length * 5 }))
   * await pricing.ready
   */
  handle<S extends SystemOf<E>, K extends RequestKindOf<E, S> & KindOf<E, S>>(system: S, kind: K, handler: RequestHandlerFn<E, S, K>): RequestHandler

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
  /** This bus instance's id: the `origin` of every event it sends, and of its `Peer`. */
  readonly origin: string
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
  /**
   * Attaches a plugin to this live bus (devtools, destinations, bridges); `detach()` takes it off.
   * Throws `PLUGIN_CONFLICT` if a plugin of that name, or one offering the same service, is attached.
   *
   * @example
   * const counter = bus.use({ name: 'counter', setup: () => ({ event: () => void count++ }) })
   * await counter.detach()
   */
  use(plugin: BusPlugin): AttachedPlugin
  /**
   * Ends every subscription, then closes every plugin, which finish their pending work (posts,
   * writes, outboxes); the promise resolves when they are done. Idempotent.
   */
  close(): Promise<void>
}
