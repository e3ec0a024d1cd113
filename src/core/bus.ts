import { BehaviorSubject, distinctUntilChanged, switchMap, type Observable } from 'rxjs'
import { Admission } from './admission'
import type { Bus, BusHandle, CoreBusOptions } from './bus-api'
import { BusState } from './bus-state'
import { EventClock } from './clock'
import { currentContextKind } from './context'
import { busError } from './errors'
import type { AnyEventMap, BusEvent, EventMap } from './event'
import { checkQuery, queryOf, type HistoryQuery, type SubscribeOptions } from './history-query'
import { newOriginId } from './ids'
import { checkOptions } from './options'
import { compilePattern } from './pattern'
import type { AttachedPlugin, BusPlugin, Peer, PluginHost, Provenance } from './plugin'
import { compilePolicy, ensureAllowed, intersect, type Policy, type PolicyCheck } from './policy'
import { reportUnhandled } from './report-unhandled'
import { Router } from './router'
import { RoutedSubscription, type SubscriptionHost } from './subscription'
import { systemRangesOf } from './system-range'

export type { Bus, BusHandle, BusStats, CoreBusOptions } from './bus-api'

/** The options `createBus` of `crossbus/core` takes. */
export const CORE_OPTIONS = ['name', 'policy', 'plugins'] as const
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
  const state = new BusState(name, origin)
  const { counters, errors, report, plugins: set } = state
  const router = new Router<RoutedSubscription>()
  const open = new Set<RoutedSubscription>()
  const clock = new EventClock()
  const alone = new BehaviorSubject<readonly Peer[]>([{ origin, kind: currentContextKind() ?? 'other', since: Date.now(), self: true }])
  const leadingAlone = new BehaviorSubject(true)
  let serial = 0
  let closing: Promise<void> | undefined

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

  const admission = new Admission(state, clock, rootPolicy, dispatch)
  const ensureOpen = () => state.ensureOpen()

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
      send: (system: string, kind: string, path: string, data?: unknown) => admission.send(policy, system, kind, path, data),
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
    const injectedHere: Provenance = { arrival: 'injected', from: origin, bridge: plugin.name }
    return {
      name,
      origin,
      get closed() {
        return state.closed
      },
      inject: (event) => admission.inject(event, injectedHere),
      receive: (event, from, bridge) => admission.receive(event, from, bridge),
      report,
      drop: state.drop,
      missed: state.missed,
      leads,
      observeTime: (time) => clock.observe(time),
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
      return state.closed
    },
    stats: () => {
      let buffered = 0
      for (const subscription of open) buffered += subscription.backlog
      return { subscriptions: open.size, buffered, ...counters }
    },
    use,
    close: () => {
      if (closing) return closing
      state.closed = true
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
