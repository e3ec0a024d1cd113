import type { Observable } from 'rxjs'
import type { BusError } from './errors'
import type { BusEvent } from './event'
import type { RequestService } from './requests'
import type { SystemRange } from './system-range'

/**
 * The one seam through which a bus is extended: sync across contexts and replay are plugins, and
 * so are devtools, destinations and bridges. A plugin is an object with a name and a `setup` that
 * receives the bus's {@link PluginHost} and returns the {@link PluginHooks} it wants called, in
 * the spirit of idb's traps and broadcast-channel's transport objects.
 *
 * Give plugins to `createBus({ plugins })`, or attach one to a live bus with `bus.use(plugin)`.
 *
 * @example
 * const counter: BusPlugin = {
 *   name: 'counter',
 *   setup(host) {
 *     let seen = 0
 *     return { event: () => void seen++, close: () => console.log(`${host.name} saw ${seen}`) }
 *   },
 * }
 * const bus = createBus({ name: 'shop', plugins: [counter] })
 */
export interface BusPlugin {
  /** Names the plugin in errors and provenance (`'sync'`, `'replay'`, `'nats'`); unique per bus. */
  readonly name: string
  /** Called once, when the plugin is attached; returns the hooks the bus calls from then on. */
  setup(host: PluginHost): PluginHooks | void
}

/** What `bus.use(plugin)` returns. */
export interface AttachedPlugin {
  readonly name: string
  /** Stops calling the plugin's hooks, then runs its `close` hook; resolves when that is done. */
  detach(): Promise<void>
}

/** How an event reached this context. */
export type Arrival =
  /** `send` on this bus instance. */
  | 'sent'
  /** From another context of the origin (a tab, worker or frame), through a transport plugin. */
  | 'received'
  /** From outside the origin (a broker, another origin), injected by a bridge plugin here. */
  | 'injected'

/** Where an event came from. Every plugin sees it with each event; it is how loops are prevented. */
export interface Provenance {
  readonly arrival: Arrival
  /** The bus instance the event reached this one through: this one for `sent` and `injected`. */
  readonly from: string
  /**
   * The bridge that brought the event into the origin (the injecting plugin's name), wherever in the
   * origin that happened; `undefined` for events sent on a bus of this origin. A bridge never exports
   * what it brought in itself.
   */
  readonly bridge: string | undefined
}

/** A subscription as plugins see it. */
export interface SubscriptionInfo {
  /** Unique per bus instance, in creation order. */
  readonly id: number
  readonly pattern: string
  readonly kind: string | undefined
  /** Whether it started with history. */
  readonly replay: boolean
}

/**
 * The hooks a plugin returns from `setup`; every one is optional. A hook that throws is reported on
 * `errors$` (`PLUGIN_FAILED`) and skipped: it never breaks a send, a delivery or another plugin. The
 * one exception is `check` throwing a `BusError`, which refuses the event on purpose.
 */
export interface PluginHooks {
  /**
   * Runs before an event sent or injected here is delivered anywhere. Throw a `BusError` to refuse
   * it: the send throws that error and nothing is delivered (sync refuses data it cannot post).
   */
  check?(event: BusEvent): void
  /**
   * Every event that reaches this context, after local delivery, whichever way it came, with its
   * provenance. Not a subscription: not counted in `stats()`, not filtered by any policy.
   */
  event?(event: BusEvent, provenance: Provenance): void
  /** A subscription opened on this bus (any handle). */
  subscribed?(subscription: SubscriptionInfo): void
  /** A subscription closed. */
  unsubscribed?(subscription: SubscriptionInfo): void
  /** Every failure reported on `errors$`, drops and gaps included. */
  error?(error: BusError): void
  /** Pending work (an outbox, writes): `bus.flush()` waits for it. */
  flush?(): Promise<void> | void
  /** The bus is closing or the plugin is detached: finish pending work; `bus.close()` waits for it. */
  close?(): Promise<void> | void
  /** Offers history to `subscribe(..., { replay })` and `bus.history()` (one plugin per bus). */
  readonly history?: HistoryService
  /** Offers `peers$` and leadership across contexts (one plugin per bus). */
  readonly presence?: PresenceService
  /** Offers `bus.request()` and `bus.handle()` (one plugin per bus: `requests()` of `crossbus`). */
  readonly requests?: RequestService
}

/** What the bus lends a plugin. */
export interface PluginHost {
  /** The bus name. */
  readonly name: string
  /** This bus instance's id, the `origin` of the events it sends. */
  readonly origin: string
  readonly closed: boolean
  /**
   * Brings in an event from outside the origin, keeping its identity (`id`, `origin`, `seq`, `time`):
   * it is checked like a send (names, path, the bus policy, the plugins' checks), delivered here, and
   * handed to the other plugins with provenance `injected` by this plugin, so sync carries it to the
   * other contexts and replay stores it, each once. Returns `false` for an event already seen here
   * (same `system` and `id`, the CloudEvents `source` + `id`). Throws a `BusError` for an event the
   * bus refuses; nothing is delivered then.
   */
  inject(event: BusEvent): boolean
  /**
   * Delivers an event another context of the origin sent (transport plugins only): no policy, no
   * plugin checks, never handed back to the transport. `bridge` is the provenance it had where it
   * entered; such an event is checked as an injection is (a malformed one is dropped: counted in
   * `stats().dropped` and reported). Returns `false` for an event a bridge brought in that was
   * already seen here, or for any event once the bus is closed.
   */
  receive(event: BusEvent, from: string, bridge?: string): boolean
  /** Reports a failure on `errors$` without stopping anything. */
  report(error: BusError): void
  /** Counts a refused incoming message in `stats().dropped` and reports why. */
  drop(error: BusError): void
  /** Counts events found lost in transit in `stats().gaps` and reports them. */
  missed(error: BusError): void
  /**
   * Whether this instance leads for `job` among the instances of the origin that observe the same
   * job: exactly one does the work (forward to a server, hold a broker connection), and another
   * takes over when it goes. Without a presence plugin a bus leads alone.
   */
  leads(job: string): Observable<boolean>
  /** The subscriptions open now. */
  subscriptions(): readonly SubscriptionInfo[]
  /**
   * Tells the bus's clock of an event time of this origin it can trust (the newest event in its
   * stored history, say): events sent afterwards are stamped no earlier, so a clock set back
   * cannot make a later event replay first. Times more than a day ahead are ignored.
   */
  observeTime(time: number): void
}

/** The stored events a reader wants; see {@link HistoryService}. */
export interface HistoryRead {
  /** Whether an event belongs in the answer (pattern, kind filter and policy together). */
  readonly matches: (event: BusEvent) => boolean
  /** Ranges of systems that cover every match, so a store reads only those; `undefined`: any system. */
  readonly systems: readonly SystemRange[] | undefined
  /** Only events sent at or after this epoch-ms time. */
  readonly since: number | undefined
  /** Only the latest `limit` matching events. */
  readonly limit: number | undefined
}

export interface HistoryService {
  /** The matching stored events, oldest first. Never lists an event twice. */
  read(query: HistoryRead): Promise<BusEvent[]>
}

/** What kind of context a bus instance lives in; `other` outside a browser (Node, SSR). */
export type PeerKind = 'window' | 'iframe' | 'worker' | 'shared-worker' | 'service-worker' | 'other'

/** A live bus instance of this bus's name: a tab, an iframe, a worker. */
export interface Peer {
  /** The instance's id, the `origin` of the events it sends. */
  readonly origin: string
  readonly kind: PeerKind
  /** When the instance was created, epoch milliseconds on its own clock. */
  readonly since: number
  /** `true` for the instance whose `peers$` this is. */
  readonly self: boolean
}

export interface PresenceService {
  /** The live instances of the bus name, this one included, oldest first. */
  readonly peers$: Observable<readonly Peer[]>
  /** See {@link PluginHost.leads}. */
  leads(job: string): Observable<boolean>
}
