/**
 * An event map types a bus end to end: system → kind → data.
 *
 * @example
 * interface ShopEvents {
 *   orders: { 'order.created': { order_id: string; total: number } }
 *   system: { heartbeat: undefined }
 * }
 */
// `object` rather than an index signature so that interfaces, which have none, qualify too.
export type EventMap = object

/** The map an untyped `createBus()` uses: any system, any kind, any data. */
export type AnyEventMap = { [system: string]: { [kind: string]: unknown } }

/** One event, as every subscriber in every context receives it. */
export interface BusEvent<Data = unknown, System extends string = string, Kind extends string = string> {
  /** Unique across every context of the origin: `${origin}-${seq}`. */
  readonly id: string
  /** Who the event is about, e.g. `orders` or `orders.eu`. */
  readonly system: System
  /** What happened, e.g. `order.created`. */
  readonly kind: Kind
  /** Which resource, e.g. `/orders/123`. */
  readonly path: string
  /** Any structured-clonable payload; absent when the sender gave none. */
  readonly data: Data
  /** Epoch milliseconds at send. */
  readonly time: number
  /** Id of the bus instance that sent the event. */
  readonly origin: string
  /** Strictly increasing per origin, starting at 1. */
  readonly seq: number
}

export type SystemOf<E extends EventMap> = keyof E & string
export type KindOf<E extends EventMap, S extends SystemOf<E>> = keyof E[S] & string

/** The event of one system, a union over `K` discriminated by `kind`. */
export type EventOf<E extends EventMap, S extends SystemOf<E>, K extends KindOf<E, S> = KindOf<E, S>> =
  K extends unknown ? BusEvent<E[S][K], S, K> : never

/** Any event of the map: a union discriminated by `system` and `kind`. */
export type AnyEventOf<E extends EventMap> = { [S in SystemOf<E>]: EventOf<E, S> }[SystemOf<E>]

/** `data` may be left out exactly when the kind's data type admits `undefined`. */
export type DataArgs<T> = undefined extends T ? [data?: T] : [data: T]
