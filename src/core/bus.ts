import { Subject, type Observable } from 'rxjs'
import { BusError, invalid } from './errors'
import type { AnyEventMap, AnyEventOf, BusEvent, DataArgs, EventMap, EventOf, KindOf, SystemOf } from './event'
import { newOriginId } from './ids'
import type { BusCore, BusExtension } from './extension'
import { compilePattern } from './pattern'
import { compilePolicy, intersect, type Policy, type PolicyAction, type PolicyCheck } from './policy'
import { Router } from './router'
import { BusSubscription, type SubscriptionHost } from './subscription'
import { checkKind, checkPath, checkSystem } from './validate'

export interface BusOptions {
  /** The bus namespace: buses of one name share events. Default `'crossbus'`. */
  readonly name?: string
  /** Who may send and subscribe; no policy allows everything. */
  readonly policy?: Policy
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
   * optionally only to kinds matching `kind`.
   *
   * @example
   * const sub = bus.subscribe('users', 'user.created')
   * sub.subscribe((e) => console.log(e.path, e.data))
   */
  subscribe<S extends SystemOf<E>, K extends KindOf<E, S>>(system: S, kind: K): BusSubscription<EventOf<E, S, K>>
  subscribe<S extends SystemOf<E>>(system: S): BusSubscription<EventOf<E, S>>
  subscribe(pattern: string, kind?: string): BusSubscription<AnyEventOf<E>>

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
  /** Ends every subscription and releases what the bus holds. Idempotent. */
  close(): void
}

// Validated names are remembered so a hot send pays one Set lookup; bounded for long sessions.
const KNOWN_NAMES_LIMIT = 4096

/**
 * Creates a bus. Typed with an event map, `send` checks kind and data against the system and
 * subscribers get typed data; untyped, any names and data go.
 *
 * @example
 * interface ShopEvents { orders: { 'order.created': { order_id: string; total: number } } }
 * const bus = createBus<ShopEvents>({ name: 'shop' })
 * bus.subscribe('orders').subscribe((e) => console.log(e.data.total))
 * bus.send('orders', 'order.created', '/orders/123', { order_id: '123', total: 99.99 })
 */
/* @__NO_SIDE_EFFECTS__ */
export function createBus<E extends EventMap = AnyEventMap>(options: BusOptions = {}): Bus<E> {
  const name = options.name ?? 'crossbus'
  if (typeof name !== 'string' || name === '') throw invalid('INVALID_ARGUMENT', 'The bus name must be a non-empty string.')
  const rootPolicy = options.policy === undefined ? undefined : compilePolicy(options.policy)
  const origin = newOriginId()
  const router = new Router<BusSubscription<BusEvent>>()
  const open = new Set<BusSubscription<BusEvent>>()
  const extensions: BusExtension[] = []
  const errors = new Subject<BusError>()
  const knownNames = new Set<string>()
  const counters = { sent: 0, delivered: 0, dropped: 0, errors: 0 }
  let seq = 0
  let serial = 0
  let closed = false

  const report = (error: BusError) => {
    counters.errors++
    errors.next(error)
  }

  const host: SubscriptionHost = {
    release: (subscription) => {
      router.remove(subscription)
      open.delete(subscription)
    },
    report,
    handlerFailed: (cause, subscription) =>
      new BusError({
        kind: 'INTERNAL',
        code: 'HANDLER_FAILED',
        retryable: false,
        message: `A handler of the subscription to "${subscription.systemPattern}" threw; the other subscribers still received the event.`,
        cause,
      }),
  }

  function dispatch(event: BusEvent): void {
    const routes = router.match(event.system)
    // No try/catch here: sinks guard user code themselves (see BusSubscription.subscribe).
    for (let i = 0; i < routes.length; i++) if (routes[i]!.deliver(event)) counters.delivered++
  }


  function checkNames(system: unknown, kind: unknown): void {
    if (knownNames.has(system as string) && knownNames.has(kind as string)) return
    checkSystem(system)
    checkKind(kind)
    if (knownNames.size >= KNOWN_NAMES_LIMIT) knownNames.clear()
    knownNames.add(system).add(kind)
  }

  function ensureOpen(): void {
    if (closed) {
      throw new BusError({
        kind: 'UNAVAILABLE',
        code: 'BUS_CLOSED',
        retryable: false,
        message: `The bus "${name}" is closed: create a new bus to send or subscribe again.`,
      })
    }
  }

  function ensureAllowed(policy: PolicyCheck | undefined, action: PolicyAction, system: string): void {
    if (policy && !policy(action, system)) {
      const verb = action === 'events.send' ? 'send to' : 'subscribe to'
      throw invalid('POLICY_DENIED', `The policy does not allow this handle to ${verb} the system "${system}" (${action}).`)
    }
  }

  function send(policy: PolicyCheck | undefined, system: string, kind: string, path: string, data: unknown): BusEvent {
    ensureOpen()
    checkNames(system, kind)
    checkPath(path)
    ensureAllowed(policy, 'events.send', system)
    seq++
    const event: BusEvent = { id: `${origin}-${seq}`, system, kind, path, data, time: Date.now(), origin, seq }
    for (const extension of extensions) extension.check?.(event)
    counters.sent++
    dispatch(event)
    for (const extension of extensions) extension.sent?.(event)
    return event
  }

  function subscribe(policy: PolicyCheck | undefined, pattern: string, kind?: string): BusSubscription<BusEvent> {
    ensureOpen()
    const compiled = compilePattern(pattern, 'system pattern')
    const kindFilter = kind === undefined ? undefined : compilePattern(kind, 'kind filter')
    // An exact system can be refused now; a glob is filtered per system, so `**` under a scope
    // still never yields a system the policy does not allow.
    if (compiled.type === 'exact') ensureAllowed(policy, 'events.subscribe', compiled.source)
    const subscription = new BusSubscription<BusEvent>({
      serial: ++serial,
      pattern: compiled,
      kind: kindFilter,
      admits: policy ? (system) => policy('events.subscribe', system) : always,
      host,
    })
    router.add(subscription)
    open.add(subscription)
    return subscription
  }

  function handle(policy: PolicyCheck | undefined): BusHandle<E> {
    return {
      send: (system: string, kind: string, path: string, data?: unknown) => send(policy, system, kind, path, data),
      subscribe: (pattern: string, kind?: string) => subscribe(policy, pattern, kind),
      scope: (inner: Policy) => handle(intersect(policy, compilePolicy(inner))),
    } as unknown as BusHandle<E>
  }

  // The surface extensions get; see `BusCore`.
  const core: BusCore = {
    name,
    origin,
    deliver: dispatch,
    report,
    drop: (error) => {
      counters.dropped++
      report(error)
    },
  }
  void core

  return {
    ...handle(rootPolicy),
    name,
    id: origin,
    errors$: errors.asObservable(),
    get closed() {
      return closed
    },
    stats: () => {
      let buffered = 0
      for (const subscription of open) buffered += subscription.backlog
      return { subscriptions: open.size, buffered, ...counters }
    },
    close: () => {
      if (closed) return
      closed = true
      for (const subscription of [...open]) subscription.close()
      for (const extension of extensions) extension.close?.()
      errors.complete()
    },
  }
}

function always(): boolean {
  return true
}
