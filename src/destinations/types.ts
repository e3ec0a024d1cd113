import type { Observable } from 'rxjs'
import type { BusError, BusEvent, EventFilter, ModuleHandle } from '../core/index'

/**
 * How events travel to an HTTP destination, per the CloudEvents HTTP binding: one event per
 * request as `application/cloudevents+json` (`structured`), one event per request with `ce-`
 * headers and the data as the body (`binary`), or up to `batch.maxEvents` per request as
 * `application/cloudevents-batch+json` (`batch`).
 */
export type DeliveryMode = 'structured' | 'binary' | 'batch'

/** Headers for a request: a record, a `Headers`, or name/value pairs, as `fetch` takes them. */
export type HeadersLike = Record<string, string> | Headers | readonly (readonly [string, string])[]

/** Headers computed per request in this context (a short-lived token from your relay, say). */
export type GetHeaders = (destination: DestinationConfig) => HeadersLike | Promise<HeadersLike>

/**
 * `getHeaders` with the one web origin its headers may be sent to, given in code: a destination
 * whose url is on another origin (its configuration rewritten in IndexedDB, say) never gets them.
 *
 * @example
 * destinations(bus, { getHeaders: { audit: { webOrigin: 'https://ingest.example', headers: async () => ({ authorization: `Bearer ${await token()}` }) } } })
 */
export interface BoundGetHeaders {
  /** `https://host[:port]`, no path. */
  readonly webOrigin: string
  readonly headers: GetHeaders
}

/**
 * A destination as `add` takes it. Everything but `getHeaders` is persisted (IndexedDB, per bus
 * name) and shared by every context of the origin: it must be structured-clonable.
 */
export interface DestinationConfig {
  /** Unique per bus name; names the destination in `update`, `remove`, `status$` and errors. */
  readonly id: string
  /** The provider: `'http'` is built in; others come from `destinations(bus, { providers })`. */
  readonly type: string
  /** Where to send (http: an `http:` or `https:` URL, absolute or relative to the page). */
  readonly url?: string
  /** Which events it gets: globs, as in `bus.subscribe(system, kind)` (the kit's `EventFilter`). Absent: all. */
  readonly filter?: EventFilter
  /** Default `'structured'`. */
  readonly mode?: DeliveryMode
  /**
   * Sent with every request. Keep secrets out: browsers must not hold a provider's keys. A request
   * with headers of its own (these or `getHeaders`) follows no redirect, so they never reach
   * another origin.
   */
  readonly headers?: Readonly<Record<string, string>>
  /**
   * Headers computed before each request. A function cannot be persisted or shared: it lives in
   * the context that passed it. Give it to every context with `destinations(bus, { getHeaders })`,
   * or a context leading without it holds this destination's events (and says so on `status$`).
   * Given here (to `add` or `update`), it is bound to the origin of this `url`: its headers never go
   * to another origin, whatever the stored configuration later says.
   */
  readonly getHeaders?: GetHeaders
  /** Batch mode: up to `maxEvents` (default 100) per request, waiting up to `maxDelayMs` (default 50) to fill one. */
  readonly batch?: { readonly maxEvents?: number; readonly maxDelayMs?: number }
  /** Anything a custom provider needs (structured-clonable). */
  readonly options?: Readonly<Record<string, unknown>>
}

/** What `update(id, patch)` may change: everything but `id` and `type`. */
export type DestinationPatch = Partial<Omit<DestinationConfig, 'id' | 'type'>>

/** What a provider's `deliver` says about the events it was given, all of them alike. */
export type DeliveryResult =
  /** The receiver has them: they leave the outbox. */
  | { readonly outcome: 'accepted' }
  /** Try again later (network error, 408, 429, 5xx); `retryAfterMs` from `Retry-After`, if any. */
  | { readonly outcome: 'retry'; readonly error: BusError; readonly retryAfterMs?: number | undefined }
  /**
   * The receiver refuses them for good (another 4xx, data that cannot be encoded). A single event
   * goes to dead letters; several are split in halves and sent again, so only the bad one does.
   */
  | { readonly outcome: 'rejected'; readonly error: BusError }

/** What a provider is given with the events of one request. */
export interface DeliveryRequest {
  readonly destination: DestinationConfig
  /** Aborted when the bus closes or this context stops leading. */
  readonly signal: AbortSignal
  /** The page is going away: send with `fetch(..., { keepalive: true })`, if you can. */
  readonly keepalive: boolean
}

/**
 * A destination type: checks its configuration and delivers events. `http` is one; write another
 * to reach a sink that does not speak the CloudEvents HTTP binding.
 *
 * @example
 * const console: DestinationProvider = {
 *   type: 'console',
 *   async deliver(events) {
 *     for (const event of events) console.log(event.system, event.kind, event.data)
 *     return { outcome: 'accepted' }
 *   },
 * }
 * const outbound = destinations(bus, { providers: [console] })
 */
export interface DestinationProvider {
  readonly type: string
  /** Throws a `BusError` for a configuration this provider cannot use (called by `add` and `update`). */
  check?(destination: DestinationConfig): void
  deliver(events: readonly BusEvent[], request: DeliveryRequest): Promise<DeliveryResult>
}

/** One destination's state, as the context that leads delivery sees it. */
export interface DestinationStatus {
  readonly id: string
  /** Events waiting in the outbox (in flight included). */
  readonly pending: number
  /** Events the receiver accepted. */
  readonly delivered: number
  /** Events that failed for good: moved to dead letters. (Events pushed out of a full outbox are reported on `errors$`.) */
  readonly failed: number
  /** The latest failure, retryable or not. */
  readonly lastError: BusError | undefined
  /** When the next attempt is due (epoch ms) while backing off. */
  readonly nextRetryAt: number | undefined
  /** Why delivery is on hold, if it is: the browser is offline, or `getHeaders` is missing here (or bound to another origin than the url's). */
  readonly paused: 'offline' | 'no-headers' | undefined
}

/** An event the destination refused, kept until you retry or discard it. */
export interface DeadLetter {
  readonly event: BusEvent
  readonly error: BusError
  /** Epoch ms. */
  readonly failedAt: number
  /** Puts the event back in the outbox, at its place by time. */
  retry(): Promise<void>
  /** Forgets the event. */
  discard(): Promise<void>
}

export interface DestinationsOptions {
  /** Custom destination types (`http` is built in; a provider of type `http` replaces it). */
  readonly providers?: readonly DestinationProvider[]
  /**
   * `getHeaders` per destination id, for this context (see {@link DestinationConfig.getHeaders}):
   * `{ webOrigin, headers }` sends the headers to that web origin only; a plain function, to the page's
   * own origin only (a same-origin relay). A destination whose url is elsewhere waits
   * (`paused: 'no-headers'`, `DESTINATION_URL_REFUSED` once); `add` and `update` refuse such a url.
   */
  readonly getHeaders?: Readonly<Record<string, GetHeaders | BoundGetHeaders>>
  /**
   * The URLs destinations may have, given in code (never stored): `add` and `update` refuse any
   * other `url`, and a stored configuration with another (rewritten in IndexedDB, say) is neither
   * captured for nor delivered to, and reported (`DESTINATION_URL_REFUSED`). An entry ending in `/`
   * allows every path under it, any other that path exactly (with any query); absolute, or
   * relative to the page. Absent: any http(s) URL.
   */
  readonly allowedUrls?: readonly string[]
  /** Per destination, the most events the outbox holds; past it the oldest are reported and dropped. Default 10,000. */
  readonly maxOutboxEvents?: number
  /**
   * Backoff for retryable failures: doubling from `initialDelayMs` (1 s) up to `maxDelayMs` (60 s,
   * at most 2^31-1), with jitter; a receiver's `Retry-After` is honoured from `initialDelayMs` up
   * to `maxDelayMs` (`Retry-After: 0` or a past date waits `initialDelayMs`, so no receiver turns
   * backoff off); `maxAttempts` (default unlimited) then dead-letters.
   */
  readonly retry?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number; readonly maxAttempts?: number }
  /** `'indexeddb'` in a browser, `'memory'` elsewhere (Node, SSR, tests): nothing persists then. */
  readonly store?: 'indexeddb' | 'memory'
}

/**
 * What `stats()` counts in this context since `destinations(bus)` was called (each context counts
 * its own work; `pending` is the origin's, as `status$` shows it).
 */
export interface DestinationsStats {
  /** Outbox entries written here: one per event and destination it matched. */
  readonly captured: number
  /** Entries this context delivered while leading (the receiver accepted them). */
  readonly delivered: number
  /** Requests this context sent again after a retryable failure. */
  readonly retried: number
  /** Entries this context moved to dead letters (refused, or out of attempts). */
  readonly failed: number
  /** Entries dropped undelivered: pushed out of a full outbox, or not written (`DESTINATION_OUTBOX_FULL`, `DESTINATION_OUTBOX_UNAVAILABLE`). */
  readonly dropped: number
  /** Outbox records of the wrong shape skipped here (`DESTINATION_MALFORMED_RECORD`). */
  readonly malformed: number
  /** Entries waiting in every destination's outbox, every tab's captures included (the sum of `status$`'s `pending`). */
  readonly pending: number
}

/**
 * What `destinations(bus, options)` returns: the module's handle (`ready`, `status$`, `stats()`,
 * `close()`, as every crossbus module's), with the configuration and dead letters.
 */
export interface Destinations extends ModuleHandle<readonly DestinationStatus[], DestinationsStats> {
  /** Resolves once the outbox is open and the configuration loaded: events sent from then on are captured at once. */
  readonly ready: Promise<void>
  /** Adds a destination for the whole origin (persisted). Rejects with a `BusError` for bad configuration or a duplicate id. */
  add(destination: DestinationConfig): Promise<void>
  /** Changes a destination; rejects with `DESTINATION_NOT_FOUND` for an unknown id. */
  update(id: string, patch: DestinationPatch): Promise<void>
  /** Removes a destination, its outbox and its dead letters. */
  remove(id: string): Promise<void>
  /** The destinations of this bus name, in the order they were added (without `getHeaders`). */
  list(): Promise<DestinationConfig[]>
  /** The events a destination refused, oldest first. */
  deadLetters(id: string): Promise<DeadLetter[]>
  /** Every destination's status, in `list()` order, as the leading context sees it; the latest value first. */
  readonly status$: Observable<readonly DestinationStatus[]>
  /** Counters of this context's work (see {@link DestinationsStats}). */
  stats(): DestinationsStats
  /**
   * Detaches from the bus: finishes writing the outbox, stops delivering (what is left goes out
   * from another context or the next session). Calling it again returns the same promise.
   */
  close(): Promise<void>
}
