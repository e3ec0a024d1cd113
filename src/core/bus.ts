import { Subject } from 'rxjs'
import { BusError, invalid } from './errors'
import type { Bus, BusHandle, BusOptions } from './bus-api'
import type { AnyEventMap, BusEvent, EventMap } from './event'
import { newOriginId } from './ids'
import type { BusCore, BusExtension } from './extension'
import { compilePattern } from './pattern'
import { compilePolicy, intersect, type Policy, type PolicyAction, type PolicyCheck } from './policy'
import { Router } from './router'
import { BusSubscription, type SubscriptionHost } from './subscription'
import { checkKind, checkPath, checkSystem } from './validate'
import { DEFAULT_MAX_EVENT_BYTES } from '../sync/clonable'
import { createSync } from '../sync/sync'
import { createHistory } from '../replay/history'
import { checkQuery, queryOf, type HistoryQuery, type SubscribeOptions } from '../replay/options'

export type { Bus, BusHandle, BusOptions, BusStats } from './bus-api'

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
  const counters = { sent: 0, delivered: 0, dropped: 0, errors: 0, gaps: 0 }
  let seq = 0
  let lastTime = 0
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
    let delivered = 0
    // No try/catch here: subscriptions guard user code themselves (see BusSubscription.deliver).
    for (let i = 0; i < routes.length; i++) if (routes[i]!.deliver(event)) delivered++
    counters.delivered += delivered
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
    // The seq is taken once every check passed: a refused send leaves no gap for receivers to report.
    const next = seq + 1
    // Never backwards within an origin (clocks get adjusted), so history ordered by time keeps seq order.
    const now = Date.now()
    if (now > lastTime) lastTime = now
    const event: BusEvent = { id: `${origin}-${next}`, system, kind, path, data, time: lastTime, origin, seq: next }
    for (const extension of extensions) extension.check?.(event)
    seq = next
    counters.sent++
    dispatch(event)
    for (const extension of extensions) extension.sent?.(event)
    return event
  }

  /** What `subscribe` and `history` select: a system pattern, a kind filter, and the policy. */
  function select(policy: PolicyCheck | undefined, pattern: string, kind: string | undefined) {
    const compiled = compilePattern(pattern, 'system pattern')
    const kindFilter = kind === undefined ? undefined : compilePattern(kind, 'kind filter')
    // An exact system can be refused now; a glob is filtered per system, so `**` under a scope
    // still never yields a system the policy does not allow.
    if (compiled.type === 'exact') ensureAllowed(policy, 'events.subscribe', compiled.source)
    const admits = policy ? (system: string) => policy('events.subscribe', system) : always
    const matches = (event: BusEvent) => compiled.test(event.system) && (kindFilter === undefined || kindFilter.test(event.kind)) && admits(event.system)
    return { compiled, kindFilter, admits, matches }
  }

  function replayHistory() {
    if (replay) return replay
    throw invalid('REPLAY_NOT_ENABLED', `The bus "${name}" keeps no history: create it with \`createBus({ name, replay: {} })\` to replay or read history.`)
  }

  function readHistory(policy: PolicyCheck | undefined, pattern: string, kind?: string, query: HistoryQuery = {}): Promise<BusEvent[]> {
    try {
      ensureOpen()
      const { matches } = select(policy, pattern, kind)
      return replayHistory().read(matches, checkQuery(query))
    } catch (error) {
      return Promise.reject(error)
    }
  }

  function subscribe(policy: PolicyCheck | undefined, pattern: string, kind?: string, options?: SubscribeOptions): BusSubscription<BusEvent> {
    ensureOpen()
    const { compiled, kindFilter, admits, matches } = select(policy, pattern, kind)
    const history = options?.replay === undefined ? undefined : replayHistory().read(matches, queryOf(options.replay))
    const subscription = new BusSubscription<BusEvent>({
      serial: ++serial,
      pattern: compiled,
      kind: kindFilter,
      admits,
      host,
      history,
    })
    router.add(subscription)
    open.add(subscription)
    return subscription
  }

  function handle(policy: PolicyCheck | undefined): BusHandle<E> {
    return {
      send: (system: string, kind: string, path: string, data?: unknown) => send(policy, system, kind, path, data),
      subscribe: (pattern: string, kind?: string, options?: SubscribeOptions) => subscribe(policy, pattern, kind, options),
      history: (pattern: string, kind?: string, query?: HistoryQuery) => readHistory(policy, pattern, kind, query),
      flush: () => (replay ? replay.flush() : Promise.resolve()),
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
    missed: (error) => {
      counters.gaps++
      report(error)
    },
  }
  const sync = createSync(core, { crossTab: options.crossTab ?? true, maxEventBytes: options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES })
  extensions.push(sync)
  const replay = options.replay === undefined ? undefined : createHistory(core, options.replay)
  if (replay) extensions.push(replay.extension)

  return {
    ...handle(rootPolicy),
    name,
    id: origin,
    errors$: errors.asObservable(),
    peers$: sync.peers$,
    leader$: sync.leader$,
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
