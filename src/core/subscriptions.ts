import { Subscriber } from 'rxjs'
import type { BusState } from './bus-state'
import { busError } from './errors'
import type { BusEvent } from './event'
import { checkQuery, queryOf, type HistoryQuery, type SubscribeOptions } from './history-query'
import { checkOptions } from './options'
import { compilePattern, type Pattern } from './pattern'
import type { SubscriptionInfo } from './plugin'
import { ensureAllowed, type PolicyCheck } from './policy'
import { reportUnhandled } from './report-unhandled'
import { Router } from './router'
import { RoutedSubscription, type Sink, type SubscriptionHost } from './subscription'
import { describeError } from './validate'

/** What `subscribe` and `history` select: a system pattern, a kind filter, and the policy. */
interface Selection {
  readonly pattern: Pattern
  readonly kind: Pattern | undefined
  /** The policy's say on each system a glob matches. */
  readonly admits: (system: string) => boolean
  /** Pattern, kind filter and policy together, for a history read. */
  readonly matches: (event: BusEvent) => boolean
}

/**
 * Where one system and kind's events go, flattened: every sink of every matching subscription in
 * delivery order (creation order, then each one's observers in attach order), with its owner.
 */
interface Fanout {
  readonly system: string
  readonly kind: string
  readonly sinks: readonly Sink[]
  /** Each sink's `next`, ready to call: a plain handler is its own. */
  readonly calls: readonly ((event: BusEvent) => void)[]
  readonly owners: readonly RoutedSubscription[]
  /** How many subscriptions receive the event (for `stats().delivered`). */
  readonly subscriptions: number
}

/** How many systems' fan-outs are kept, and how many kinds per system. */
const FANOUT_LIMIT = 1024

/**
 * The open subscriptions of one bus: opening them (with history when asked), routing an event to
 * the matching ones, and reading history for `bus.history`.
 */
export class Subscriptions implements SubscriptionHost {
  readonly #router = new Router<RoutedSubscription>()
  readonly #open = new Set<RoutedSubscription>()
  #serial = 0
  /** Fan-outs by system, then kind; dropped whenever any subscription's sinks change. */
  #fanouts = new Map<string, Map<string, Fanout>>()
  /** The last fan-out delivered to: a burst of one event type skips the lookups. */
  #last: Fanout | undefined
  /** Counts those changes, so a delivery knows a handler changed what comes after it. */
  #version = 0

  readonly #state: BusState

  constructor(state: BusState) {
    this.#state = state
  }

  get size(): number {
    return this.#open.size
  }

  /** Events waiting in the subscriptions' channels. */
  get buffered(): number {
    let buffered = 0
    for (const subscription of this.#open) buffered += subscription.backlog
    return buffered
  }

  /** The subscriptions open now, as plugins see them. */
  infos(): SubscriptionInfo[] {
    return [...this.#open].map((subscription) => subscription.info)
  }

  /**
   * Hands an admitted event to every matching subscription. Per sink, one check (did a handler
   * change any subscription meanwhile?) and one call: no allocation, no filter, no RxJS layer.
   */
  readonly deliver = (event: BusEvent): void => {
    const { system, kind } = event
    let fanout = this.#last
    if (fanout === undefined || fanout.system !== system || fanout.kind !== kind) {
      fanout = this.#last = this.#fanouts.get(system)?.get(kind) ?? this.#plan(system, kind)
    }
    const { calls, owners } = fanout
    const version = this.#version
    for (let i = 0; i < calls.length; i++) {
      if (this.#version !== version) return this.#deliverChanged(event, fanout, i)
      // A handler that throws is reported; the others still receive the event.
      try {
        calls[i]!(event)
      } catch (cause) {
        owners[i]!.handlerThrew(cause)
      }
    }
    this.#state.counters.delivered += fanout.subscriptions
  }

  /** What `sinksChanged` marks: the fan-outs planned so far are stale. */
  sinksChanged(): void {
    this.#version++
    this.#last = undefined
    if (this.#fanouts.size > 0) this.#fanouts = new Map()
  }

  subscribe(policy: PolicyCheck | undefined, pattern: string, kindOrOptions?: string | SubscribeOptions, options?: SubscribeOptions): RoutedSubscription {
    this.#state.ensureOpen()
    const [kind, given] = splitOptional(kindOrOptions, options)
    if (given !== undefined) checkOptions(given, ['replay'], 'subscribe')
    const selection = select(policy, pattern, kind)
    const replay = given?.replay
    const subscription = new RoutedSubscription({
      info: { id: ++this.#serial, pattern, kind, replay: replay !== undefined },
      pattern: selection.pattern,
      kind: selection.kind,
      admits: selection.admits,
      host: this,
      history: replay === undefined ? undefined : this.#readHistory(selection, queryOf(replay)),
    })
    this.#router.add(subscription)
    this.#open.add(subscription)
    this.#state.plugins.subscribed(subscription.info)
    return subscription
  }

  history(policy: PolicyCheck | undefined, pattern: string, kindOrQuery?: string | HistoryQuery, query?: HistoryQuery): Promise<BusEvent[]> {
    try {
      this.#state.ensureOpen()
      const [kind, given] = splitOptional(kindOrQuery, query)
      return this.#readHistory(select(policy, pattern, kind), checkQuery(given ?? {}))
    } catch (error) {
      return Promise.reject(error)
    }
  }

  /** Closes every subscription (the bus is closing). */
  closeAll(): void {
    for (const subscription of [...this.#open]) subscription.close()
  }

  release(subscription: RoutedSubscription): void {
    this.#router.remove(subscription)
    this.#open.delete(subscription)
    this.#state.plugins.unsubscribed(subscription.info)
  }

  historyFailed(cause: unknown, subscription: RoutedSubscription): void {
    const why = `The history for "${subscription.systemPattern}" could not be read (${describeError(cause)}); live events follow.`
    this.#state.report(busError('HISTORY_UNAVAILABLE', why, cause))
  }

  handlerFailed(cause: unknown, subscription: RoutedSubscription): void {
    const error = busError('HANDLER_FAILED', `A handler of "${subscription.systemPattern}" threw; the others still received the event.`, cause)
    // Like RxJS: an error nobody handles must not vanish; the console and window.onerror see it.
    if (!this.#state.errors.observed) reportUnhandled(cause)
    this.#state.report(error)
  }

  /** Plans (and caches) the fan-out of one system and kind from the routes that match. */
  #plan(system: string, kind: string): Fanout {
    const sinks: Sink[] = []
    const calls: Array<(event: BusEvent) => void> = []
    const owners: RoutedSubscription[] = []
    let subscriptions = 0
    for (const route of this.#router.match(system)) {
      if (!route.wants(kind)) continue
      subscriptions++
      for (const sink of route.sinks()) {
        sinks.push(sink)
        // An RxJS Subscriber's `next` is a method; a plain handler's sink holds the handler itself.
        calls.push(sink instanceof Subscriber ? (event) => sink.next(event) : sink.next)
        owners.push(route)
      }
    }
    const fanout: Fanout = { system, kind, sinks, calls, owners, subscriptions }
    let byKind = this.#fanouts.get(system)
    if (!byKind) {
      // Like the router's cache: the oldest system goes, so that a miss costs one entry.
      if (this.#fanouts.size >= FANOUT_LIMIT) this.#fanouts.delete(this.#fanouts.keys().next().value as string)
      this.#fanouts.set(system, (byKind = new Map()))
    } else if (byKind.size >= FANOUT_LIMIT) byKind.clear()
    byKind.set(kind, fanout)
    return fanout
  }

  /**
   * The rest of a delivery after a handler subscribed, closed or detached: a subscription closed
   * before its turn gets nothing, an observer detached before its turn neither, one added
   * meanwhile waits for the next event.
   */
  #deliverChanged(event: BusEvent, fanout: Fanout, from: number): void {
    const { sinks, owners } = fanout
    let delivered = 0
    let counted: RoutedSubscription | undefined
    for (let i = 0; i < sinks.length; i++) {
      const owner = owners[i]!
      const now = i >= from
      if (now && !owner.holds(sinks[i]!)) continue
      if (owner !== counted) {
        counted = owner
        delivered++
      }
      if (!now) continue
      try {
        sinks[i]!.next(event)
      } catch (cause) {
        owner.handlerThrew(cause)
      }
    }
    this.#state.counters.delivered += delivered
  }

  #readHistory(selection: Selection, query: HistoryQuery): Promise<BusEvent[]> {
    const history = this.#state.plugins.history$.value
    if (!history) throw busError('HISTORY_NOT_ENABLED', `The bus "${this.#state.name}" keeps no history: create it with \`createBus({ name, replay: {} })\` to replay or read history.`)
    // Loaded with the first read: a bus without history never loads it.
    return import('./system-range').then(({ systemRangesOf }) =>
      history.read({ matches: selection.matches, systems: systemRangesOf(selection.pattern), since: query.since, limit: query.limit }),
    )
  }
}

function select(policy: PolicyCheck | undefined, source: string, kindSource: string | undefined): Selection {
  const pattern = compilePattern(source, 'system pattern')
  const kind = kindSource === undefined ? undefined : compilePattern(kindSource, 'kind filter')
  // An exact system can be refused now; a glob is filtered per system, so `**` under a scope
  // still never yields a system the policy does not allow.
  if (pattern.type === 'exact') ensureAllowed(policy, 'events.subscribe', pattern.source)
  const admits = policy ? (system: string) => policy('events.subscribe', system) : always
  const matches = (event: BusEvent) => pattern.test(event.system) && (kind === undefined || kind.test(event.kind)) && admits(event.system)
  return { pattern, kind, admits, matches }
}

/** `(pattern, kind?, options?)` or `(pattern, options)`: an object in second place is the options. */
function splitOptional<O extends object>(second: string | O | undefined, third: O | undefined): [string | undefined, O | undefined] {
  return typeof second === 'object' && second !== null ? [undefined, second] : [second, third]
}

function always(): boolean {
  return true
}
