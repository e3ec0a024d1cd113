import type { Observable } from 'rxjs'
import type { BusHandle } from './bus-api'
import type { AnyEventMap, BusEvent, EventMap, EventOf, KindOf, SystemOf } from './event'
import type { ModuleHandle } from './module-handle'
import type { Peer } from './plugin'

// Request/reply as types: what `bus.request()` and `bus.handle()` take and give, and the seam a
// requests plugin (`requests()` of `crossbus`) offers the bus. Types only: core pays no bytes.

/** The phantom mark {@link WithReply} adds: never present at run time. */
export interface ReplyMark<R> {
  readonly '~reply'?: [R]
}

/**
 * Marks a kind of the event map as a request: `Q` is what the request carries (its event's
 * `data`), `R` what its reply carries. Only such kinds can be requested and handled.
 *
 * @example
 * interface ShopEvents {
 *   cart: { 'cart.price': WithReply<{ items: string[] }, { total: number }> }
 * }
 */
export type WithReply<Q, R> = Q extends unknown ? (Q extends undefined ? Q | ReplyMark<R> : Q & ReplyMark<R>) : never

/** The reply type of a kind's data (`never`: the kind has no reply type). */
export type ReplyOf<T> = T extends unknown ? ('~reply' extends keyof T ? (NonNullable<T['~reply']> extends [infer R] ? R : never) : never) : never

/** The kinds of a system that have a reply type; any kind on an untyped bus. */
export type RequestKindOf<E extends EventMap, S extends SystemOf<E>> =
  string extends KindOf<E, S> ? string : { [K in KindOf<E, S>]: [ReplyOf<E[S][K]>] extends [never] ? never : K }[KindOf<E, S>]

/**
 * The kinds a request of kind `R` travels as besides its own (`<R>.claim`, `.grant`, `.reply`,
 * `.cancel`): ordinary events of its system, so a subscriber of the system sees them too, typed
 * `unknown` (see docs/requests.md, "On the wire").
 */
export type RequestProtocolKind<R extends string> = `${R}.${'claim' | 'grant' | 'reply' | 'cancel'}`

/** What a request of kind `K` resolves with: the reply type, `unknown` on an untyped bus. */
export type ReplyFor<E extends EventMap, S extends SystemOf<E>, K extends KindOf<E, S>> = string extends KindOf<E, S> ? unknown : ReplyOf<E[S][K]>

/** `data` then options; `data` may be left out exactly when the kind's request data admits `undefined`. */
export type RequestArgs<T> = undefined extends T ? [data?: T, options?: RequestOptions] : [data: T, options?: RequestOptions]

export interface RequestOptions {
  /** How long to wait for the reply, in milliseconds: then the request fails with `TIMEOUT` (retryable). Default 10,000. */
  readonly timeoutMs?: number
  /** Cancels the request: it fails with `REQUEST_CANCELED` and the handler's signal is aborted. */
  readonly signal?: AbortSignal
}

/** What a handler is given beside the request event. */
export interface HandlerContext {
  /** Aborted when the requester cancels, times out or goes away, or the handler is closed. */
  readonly signal: AbortSignal
}

/** Answers one request: the reply (or a promise of it); a throw becomes the requester's error. */
export type RequestHandlerFn<E extends EventMap, S extends SystemOf<E>, K extends KindOf<E, S>> = (
  event: EventOf<E, S, K>,
  context: HandlerContext,
) => ReplyFor<E, S, K> | PromiseLike<ReplyFor<E, S, K>>

/** `starting` until the handler can be reached from every context, then `handling`, then `closed`. */
export type RequestHandlerStatus = 'starting' | 'handling' | 'closed'

export interface RequestHandlerStats {
  /** Requests this handler answered (with a reply or an error). */
  readonly answered: number
  /** Of those, the ones whose handler threw or rejected. */
  readonly failed: number
}

/** What `bus.handle()` returns: `ready` once requests reach it, `close()` to stop handling. */
export type RequestHandler = ModuleHandle<RequestHandlerStatus, RequestHandlerStats>

/** What the bus hands a requests service with each call: the calling handle (and its policy), and presence. */
export interface RequestVia {
  readonly handle: BusHandle<AnyEventMap>
  readonly peers$: Observable<readonly Peer[]>
}

/** Offered by a plugin's `requests` hook; `bus.request()` and `bus.handle()` delegate to it. */
export interface RequestService {
  request(via: RequestVia, system: string, kind: string, path: string, data: unknown, options: RequestOptions | undefined): Promise<unknown>
  handle(via: RequestVia, system: string, kind: string, handler: (event: BusEvent, context: HandlerContext) => unknown): RequestHandler
}
