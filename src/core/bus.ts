import { BehaviorSubject, distinctUntilChanged, Subject, switchMap, type Observable } from 'rxjs'
import { BusError, busError } from './errors'
import type { Bus, BusHandle, CoreBusOptions } from './bus-api'
import { currentContextKind } from './context'
import type { AnyEventMap, BusEvent, EventMap } from './event'
import { checkQuery, queryOf, type HistoryQuery, type SubscribeOptions } from './history-query'
import { newOriginId } from './ids'
import { identityOf, SeenEvents } from './identity'
import { checkInjected } from './injected'
import { checkOptions } from './options'
import { compilePattern } from './pattern'
import type { AttachedPlugin, BusPlugin, Peer, PluginHost, Provenance } from './plugin'
import { PluginSet } from './plugin-set'
import { compilePolicy, intersect, type Policy, type PolicyAction, type PolicyCheck } from './policy'
import { reportUnhandled } from './report-unhandled'
import { Router } from './router'
import { RoutedSubscription, type SubscriptionHost } from './subscription'
import { systemRangesOf } from './system-range'
import { checkKind, checkPath, checkSystem } from './validate'

export type { Bus, BusHandle, BusStats, CoreBusOptions } from './bus-api'

// Validated names are remembered so a hot send pays one Set lookup; bounded for long sessions.
const KNOWN_NAMES_LIMIT = 4096
/** The options `createBus` of `crossbus/core` takes. */
export const CORE_OPTIONS = ['name', 'policy', 'plugins'] as const
/**
 * How far ahead of this context's clock another context's event time is still believed. Times
 * within it are adopted (see `observeTime`); a clock further ahead is taken for a wrong one.
 */
const MAX_CLOCK_LEAD_MS = 24 * 60 * 60 * 1000
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
  const origin = newOriginId()
  const router = new Router<RoutedSubscription>()
  const open = new Set<RoutedSubscription>()
  const errors = new Subject<BusError>()
  const knownNames = new Set<string>()
  const seen = new SeenEvents()
  const counters = { sent: 0, delivered: 0, dropped: 0, errors: 0, gaps: 0 }
  const sentHere: Provenance = { arrival: 'sent', from: origin, bridge: undefined }
  const alone = new BehaviorSubject<readonly Peer[]>([{ origin, kind: currentContextKind() ?? 'other', since: Date.now(), self: true }])
  const leadingAlone = new BehaviorSubject(true)
  let seq = 0
  let lastTime = 0
  let serial = 0
  let closed = false
  let closing: Promise<void> | undefined

  const report = (error: BusError) => {
    counters.errors++
    errors.next(error)
    set.error(error)
  }
  const set = new PluginSet(report)
  const rootPolicy = options.policy === undefined ? undefined : compilePolicy(options.policy, report)

  const host: SubscriptionHost = {
    release: (subscription) => {
      router.remove(subscription)
      open.delete(subscription)
      set.unsubscribed(subscription.info)
    },
    historyFailed: (cause, subscription) =>
      report(
        busError('REPLAY_UNAVAILABLE', `The history for the subscription to "${subscription.systemPattern}" could not be read (${cause instanceof Error ? cause.message : String(cause)}); it receives live events only.`, cause),
      ),
    handlerFailed: (cause, subscription) => {
      const error = busError('HANDLER_FAILED', `A handler of the subscription to "${subscription.systemPattern}" threw; the other subscribers still received the event.`, cause)
      // Like RxJS: an error nobody handles must not vanish; the console and window.onerror see it.
      if (!errors.observed) reportUnhandled(cause)
      report(error)
    },
  }

  function dispatch(event: BusEvent): void {
    const routes = router.match(event.system)
    let delivered = 0
    // No try/catch here: subscriptions guard user code themselves (see RoutedSubscription.deliver).
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
    if (closed) throw busError('BUS_CLOSED', `The bus "${name}" is closed: create a new bus to send or subscribe again.`)
  }

  function ensureAllowed(policy: PolicyCheck | undefined, action: PolicyAction, system: string): void {
    if (policy && !policy(action, system)) {
      const verb = action === 'events.send' ? 'send to' : 'subscribe to'
      throw busError('POLICY_DENIED', `The policy does not allow this handle to ${verb} the system "${system}" (${action}).`)
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
    set.check(event)
    seq = next
    counters.sent++
    if (seen.active) seen.add(event)
    dispatch(event)
    set.event(event, sentHere)
    return event
  }

  /**
   * A hybrid clock: an event this context sends after seeing another's is stamped no earlier than
   * it, so a clock set back (by an hour, say) cannot make history replay a later event first.
   */
  function observeTime(time: number): void {
    if (time > lastTime && time - Date.now() <= MAX_CLOCK_LEAD_MS) lastTime = time
  }

  function inject(raw: BusEvent, bridge: string): boolean {
    ensureOpen()
    const event = checkInjected(raw)
    ensureAllowed(rootPolicy, 'events.send', event.system)
    seen.start()
    const identity = identityOf(event)
    // An event this instance sent can only come back as an echo.
    if (event.origin === origin || seen.has(identity)) return false
    set.check(event)
    seen.add(identity)
    dispatch(event)
    set.event(event, { arrival: 'injected', from: origin, bridge })
    return true
  }

  function receive(event: BusEvent, from: string, bridge?: string): boolean {
    if (closed) return false
    if (bridge === undefined) {
      // A context's own event: its transport already ordered it and refused repeats by seq. It is
      // remembered (so an echo through a bridge is known) but never refused by identity, or one
      // forged injection naming its future ids could silence it.
      if (seen.active) seen.add(event)
      // Only a context of the origin moves this one's clock; events from outside never do.
      observeTime(event.time)
    } else {
      seen.start()
      if (!seen.add(event)) return false
    }
    dispatch(event)
    set.event(event, { arrival: 'received', from, bridge })
    return true
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

  function readHistory(selection: ReturnType<typeof select>, query: HistoryQuery): Promise<BusEvent[]> {
    const history = set.history$.value
    if (!history) throw busError('REPLAY_NOT_ENABLED', `The bus "${name}" keeps no history: create it with \`createBus({ name, replay: {} })\` to replay or read history.`)
    return history.read({ matches: selection.matches, systems: systemRangesOf(selection.compiled), since: query.since, limit: query.limit })
  }

  function history(policy: PolicyCheck | undefined, pattern: string, kindOrQuery?: string | HistoryQuery, query?: HistoryQuery): Promise<BusEvent[]> {
    try {
      ensureOpen()
      const [kind, given] = splitOptional(kindOrQuery, query)
      return readHistory(select(policy, pattern, kind), checkQuery(given ?? {}))
    } catch (error) {
      return Promise.reject(error)
    }
  }

  function subscribe(policy: PolicyCheck | undefined, pattern: string, kindOrOptions?: string | SubscribeOptions, options?: SubscribeOptions): RoutedSubscription {
    ensureOpen()
    const [kind, given] = splitOptional(kindOrOptions, options)
    if (given !== undefined) checkOptions(given, ['replay'], 'subscribe')
    const selection = select(policy, pattern, kind)
    const replay = given?.replay
    const subscription = new RoutedSubscription({
      info: { id: ++serial, pattern, kind, replay: replay !== undefined },
      pattern: selection.compiled,
      kind: selection.kindFilter,
      admits: selection.admits,
      host,
      history: replay === undefined ? undefined : readHistory(selection, queryOf(replay)),
    })
    router.add(subscription)
    open.add(subscription)
    set.subscribed(subscription.info)
    return subscription
  }

  function handle(policy: PolicyCheck | undefined): BusHandle<E> {
    return {
      send: (system: string, kind: string, path: string, data?: unknown) => send(policy, system, kind, path, data),
      subscribe: (pattern: string, kind?: string | SubscribeOptions, options?: SubscribeOptions) => subscribe(policy, pattern, kind, options),
      history: (pattern: string, kind?: string | HistoryQuery, query?: HistoryQuery) => history(policy, pattern, kind, query),
      flush: () => set.flush(),
      scope: (inner: Policy) => handle(intersect(policy, compilePolicy(inner, report))),
    } as unknown as BusHandle<E>
  }

  function leads(job: string): Observable<boolean> {
    if (typeof job !== 'string' || job === '') throw busError('INVALID_ARGUMENT', 'A leadership job is a non-empty string, e.g. "destinations".')
    return set.presence$.pipe(
      switchMap((presence) => (presence ? presence.leads(job) : leadingAlone)),
      distinctUntilChanged(),
    )
  }

  function hostFor(plugin: BusPlugin): PluginHost {
    return {
      name,
      origin,
      get closed() {
        return closed
      },
      inject: (event) => inject(event, plugin.name),
      receive,
      report,
      drop: (error) => {
        counters.dropped++
        report(error)
      },
      missed: (error) => {
        counters.gaps++
        report(error)
      },
      leads,
      observeTime,
      subscriptions: () => [...open].map((subscription) => subscription.info),
    }
  }

  function use(plugin: BusPlugin): AttachedPlugin {
    ensureOpen()
    set.attach(plugin, hostFor)
    let detaching: Promise<void> | undefined
    return {
      name: plugin.name,
      detach: () =>
        (detaching ??= (async () => {
          const hooks = set.detach(plugin)
          if (hooks?.close) await set.settle(plugin, 'close', () => hooks.close!())
        })()),
    }
  }

  for (const plugin of plugins) use(plugin)

  return {
    ...handle(rootPolicy),
    name,
    origin,
    errors$: errors.asObservable(),
    peers$: set.presence$.pipe(switchMap((presence) => presence?.peers$ ?? alone)),
    leader$: leads(BUS_JOB),
    get closed() {
      return closed
    },
    stats: () => {
      let buffered = 0
      for (const subscription of open) buffered += subscription.backlog
      return { subscriptions: open.size, buffered, ...counters }
    },
    use,
    close: () => {
      if (closing) return closing
      closed = true
      for (const subscription of [...open]) subscription.close()
      closing = set.closeAll().then(() => {
        set.presence$.complete()
        set.history$.complete()
        alone.complete()
        leadingAlone.complete()
        errors.complete()
      })
      return closing
    },
  }
}

/** `(pattern, kind?, options?)` or `(pattern, options)`: an object in second place is the options. */
function splitOptional<O extends object>(second: string | O | undefined, third: O | undefined): [string | undefined, O | undefined] {
  return typeof second === 'object' && second !== null ? [undefined, second] : [second, third]
}

function always(): boolean {
  return true
}
