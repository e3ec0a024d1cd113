import { BehaviorSubject, type Subscription } from 'rxjs'
import { currentContextKind } from '../core/context'
import { BusError } from '../core/errors'
import type { BusEvent } from '../core/event'
import { checkOptions } from '../core/options'
import type { AttachedPlugin, BusPlugin, PluginHooks, PluginHost } from '../core/plugin'
import { describe } from '../core/validate'
import { checkDestination, patched, storable, type Destination, type StoredDestination } from './config'
import type { Courier, RetryPolicy } from './courier'
import { destinationError } from './errors'
import { httpProvider } from './http'
import { MemoryDestinationStore } from './memory-store'
import { fromShared, openShare, toShared, type Share, type ShareMessage } from './share'
import type { DestinationStore, OutboxEntry } from './store'
import type { DeadLetter, DestinationConfig, DestinationPatch, DestinationProvider, Destinations, DestinationsOptions, DestinationStatus, GetHeaders } from './types'

/** The job one context of the origin leads: delivering every destination's outbox. */
const JOB = 'destinations'
/** While leading, the outboxes are looked at this often besides when told: a safety net for a lost notice. */
const POLL_MS = 2_000
/** The leader shares its status at most this often. */
const SHARE_STATUS_MS = 100
const DEFAULT_MAX_OUTBOX = 10_000

/** What `destinations` attaches to: any bus (`bus.use`). */
export interface PluginTarget {
  use(plugin: BusPlugin): AttachedPlugin
}

/**
 * Forwards the bus's events to destinations (HTTP receivers of CloudEvents, or your own providers),
 * once per event for the whole origin, from an outbox in IndexedDB that survives reloads and
 * crashes. Call it in every context that sends (each captures what it sends); the configuration is
 * shared by the origin and persisted per bus name, and one context, the leader, delivers.
 *
 * @example
 * import { createBus } from 'crossbus'
 * import { destinations } from 'crossbus/destinations'
 *
 * const bus = createBus({ name: 'shop' })
 * const outbound = destinations(bus)
 * await outbound.add({ id: 'audit', type: 'http', url: '/events', mode: 'batch', filter: { system: 'orders.**' } })
 * bus.send('orders', 'order.created', '/orders/1', { total: 5 }) // in the outbox before the next task; delivered once
 * outbound.status$.subscribe((all) => console.log(all.map((s) => `${s.id}: ${s.pending} pending`)))
 */
export function destinations(bus: PluginTarget, options: DestinationsOptions = {}): Destinations {
  checkOptions(options, ['providers', 'getHeaders', 'maxOutboxEvents', 'retry', 'store'], 'destinations')
  const settings = checkSettings(options)
  let api: Destinations | undefined
  const attached = bus.use({
    name: 'destinations',
    setup(host) {
      const created = createDestinations(host, settings, () => attached.detach())
      api = created.api
      return created.hooks
    },
  })
  return api!
}

interface Settings {
  readonly providers: ReadonlyMap<string, DestinationProvider>
  readonly getHeaders: Map<string, GetHeaders>
  readonly maxOutbox: number
  readonly retry: RetryPolicy
  readonly store: 'indexeddb' | 'memory'
}

function createDestinations(host: PluginHost, settings: Settings, detach: () => Promise<void>): { api: Destinations; hooks: PluginHooks } {
  const { providers, getHeaders, maxOutbox, retry } = settings
  const status$ = new BehaviorSubject<readonly DestinationStatus[]>([])
  const writes = new Set<Promise<unknown>>()
  const couriers = new Map<string, Courier>()
  /** The last status the leader shared, so a context that takes over keeps counting. */
  const shared = new Map<string, DestinationStatus>()
  const refusedHere = new Set<string>()
  let configured = new Map<string, Destination>()
  let store: DestinationStore | undefined
  let loaded = false
  let leading = false
  let closed = false
  let early: BusEvent[] = []
  let queued: OutboxEntry[] = []
  let writeScheduled = false
  let statusScheduled = false
  let lastShared = 0
  let poll: ReturnType<typeof setInterval> | undefined
  let leadership: Subscription | undefined
  let delivery: typeof import('./courier') | undefined

  const inBrowser = currentContextKind() !== undefined
  const share: Share = inBrowser ? openShare(host.name, receive) : { post() {}, close() {} }
  const scope = globalThis as unknown as Partial<Pick<Window, 'addEventListener' | 'removeEventListener'>>
  const onPagehide = () => couriers.forEach((courier) => courier.pagehide())
  const onOnline = () => couriers.forEach((courier) => courier.wake())
  if (inBrowser) {
    scope.addEventListener?.('pagehide', onPagehide)
    scope.addEventListener?.('online', onOnline)
  }

  const opened = openStore().then((ready) => (store = ready))
  const ready = opened.then(load).then(() => {
    loaded = true
    for (const event of early) capture(event)
    early = []
    share.post({ type: 'ask-status' })
    if (!closed) leadership = host.leads(JOB).subscribe((value) => lead(value))
  })
  // `ready` is for callers; a failure here is reported, never left unhandled.
  ready.catch((cause: unknown) => host.report(destinationError('OUTBOX_UNAVAILABLE', `Destinations of the bus "${host.name}" could not start: ${describe(cause)}.`, cause)))

  async function openStore(): Promise<DestinationStore> {
    if (settings.store === 'memory') return new MemoryDestinationStore()
    try {
      // A lazy chunk: a bus without destinations never loads it.
      const { openIndexedDbDestinationStore } = await import('./indexeddb-store')
      return await openIndexedDbDestinationStore(host.name, (reason) => fallBack(reason))
    } catch (cause) {
      return fallBack(`IndexedDB cannot be opened (${cause instanceof Error ? cause.message : String(cause)})`, cause)
    }
  }

  function fallBack(reason: string, cause?: unknown): DestinationStore {
    if (store?.kind !== 'memory') {
      host.report(destinationError('OUTBOX_UNAVAILABLE', `The outbox of the bus "${host.name}" is kept in memory in this context only, and is lost with it: ${reason}.`, cause))
      store = new MemoryDestinationStore()
    }
    return store
  }

  /** Reads the configuration and brings the couriers in line with it. */
  async function load(): Promise<void> {
    const stored = await store!.destinations()
    const next = new Map<string, Destination>()
    for (const entry of stored) {
      const destination = resolve(entry)
      if (destination) next.set(entry.config.id, destination)
    }
    configured = next
    alignCouriers()
    statusChanged()
  }

  /** A stored destination as this context can deliver it, or `undefined` (reported once) when it cannot. */
  function resolve(entry: StoredDestination): Destination | undefined {
    const id = entry.config.id
    const fn = getHeaders.get(id)
    try {
      return { ...checkDestination(fn ? { ...entry.config, getHeaders: fn } : entry.config, providers), needsHeaders: entry.needsHeaders }
    } catch (error) {
      if (!refusedHere.has(id) && error instanceof BusError) {
        refusedHere.add(id)
        host.report(new BusError({ kind: error.kind, code: error.code, retryable: false, message: `${error.message} This context neither captures nor delivers for it.`, cause: error }))
      }
      return undefined
    }
  }

  /** While leading, one courier per destination this context can deliver; none otherwise. */
  function alignCouriers(): void {
    for (const [id, courier] of couriers) {
      if (!leading || !configured.has(id)) {
        courier.stop()
        couriers.delete(id)
      }
    }
    if (!leading || !delivery) return
    for (const [id, destination] of configured) {
      const courier = couriers.get(id)
      if (courier) courier.reconfigure(destination)
      else couriers.set(id, newCourier(delivery.Courier, destination))
    }
  }

  function newCourier(Courier: typeof import('./courier').Courier, destination: Destination): Courier {
    const id = destination.config.id
    const courier = new Courier(destination, {
      get store() {
        return store!
      },
      provider: providers.get(destination.config.type)!,
      retry,
      getHeaders: () => getHeaders.get(id),
      report: (error) => host.report(error),
      changed: statusChanged,
      online: () => (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine !== false,
      now: Date.now,
    })
    courier.adopt(shared.get(id))
    courier.start()
    return courier
  }

  function lead(value: boolean): void {
    if (closed || value === leading) return
    leading = value
    if (poll !== undefined) clearInterval(poll)
    poll = value ? setInterval(() => couriers.forEach((courier) => courier.wake()), POLL_MS) : undefined
    alignCouriers()
    // Only the leader delivers, so only the leader loads the delivery code (a lazy chunk).
    if (value && !delivery) {
      import('./courier').then(
        (loaded) => {
          delivery = loaded
          alignCouriers()
        },
        (cause: unknown) => host.report(destinationError('DELIVERY_FAILED', `This context leads delivery for the bus "${host.name}" but could not load the delivery code (${describe(cause)}).`, cause)),
      )
    }
    statusChanged()
  }

  function receive(message: ShareMessage): void {
    if (closed) return
    if (message.type === 'config') void ready.then(load).catch(() => {})
    else if (message.type === 'queued') {
      if (leading) for (const id of message.ids) couriers.get(id)?.wake()
    } else if (message.type === 'status') {
      if (leading) return
      for (const status of message.statuses) shared.set(status.id, fromShared(status))
      statusChanged()
    } else if (message.type === 'ask-status' && leading) shareStatus()
  }

  function capture(event: BusEvent): void {
    const queuedAt = Date.now()
    for (const destination of configured.values()) {
      if (destination.matches(event)) queued.push({ destination: destination.config.id, event, queuedAt })
    }
    if (queued.length === 0 || writeScheduled) return
    writeScheduled = true
    // Every event of this task in one transaction, begun before the task ends: a page closed right
    // after sending has already asked for the write.
    queueMicrotask(writeQueued)
  }

  function writeQueued(): void {
    writeScheduled = false
    const entries = queued
    queued = []
    const write = store!.enqueue(entries, maxOutbox).then(
      (trimmed) => {
        reportTrimmed(trimmed)
        const ids = [...new Set(entries.map((entry) => entry.destination))]
        share.post({ type: 'queued', ids })
        if (leading) for (const id of ids) couriers.get(id)?.wake()
      },
      (cause: unknown) =>
        host.report(destinationError('OUTBOX_UNAVAILABLE', `${entries.length} events could not be written to the outbox of the bus "${host.name}" (${describe(cause)}); they will not be forwarded.`, cause)),
    )
    writes.add(write)
    void write.finally(() => writes.delete(write))
  }

  function reportTrimmed(trimmed: readonly OutboxEntry[]): void {
    const byDestination = new Map<string, OutboxEntry[]>()
    for (const entry of trimmed) byDestination.set(entry.destination, [...(byDestination.get(entry.destination) ?? []), entry])
    for (const [id, entries] of byDestination) {
      const ids = entries.map((entry) => entry.event.id)
      const named = ids.length > 5 ? `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more` : ids.join(', ')
      host.report(
        destinationError('OUTBOX_FULL', `Destination "${id}": its outbox holds at most ${maxOutbox} events, so the oldest ${entries.length} were dropped undelivered (${named}); the error's cause lists them.`, entries.map((entry) => entry.event)),
      )
    }
  }

  function statusChanged(): void {
    if (statusScheduled) return
    statusScheduled = true
    // Many changes in a burst (a batch delivered per request) make one emission.
    queueMicrotask(() => {
      statusScheduled = false
      if (closed) return
      const statuses = [...configured.keys()].map((id) => (leading ? couriers.get(id)?.status : undefined) ?? shared.get(id) ?? idle(id))
      status$.next(statuses)
      if (leading) shareStatus()
    })
  }

  let shareTimer: ReturnType<typeof setTimeout> | undefined
  function shareStatus(): void {
    if (shareTimer !== undefined) return
    const wait = Math.max(0, lastShared + SHARE_STATUS_MS - Date.now())
    shareTimer = setTimeout(() => {
      shareTimer = undefined
      lastShared = Date.now()
      if (!closed && leading) share.post({ type: 'status', statuses: [...couriers.values()].map((courier) => toShared(courier.status)) })
    }, wait)
  }

  async function flushWrites(): Promise<void> {
    if (writeScheduled) writeQueued()
    while (writes.size > 0) await Promise.all(writes)
  }

  async function configChanged(): Promise<void> {
    await load()
    share.post({ type: 'config' })
  }

  async function storedOrFail(id: string): Promise<StoredDestination> {
    const found = (await store!.destinations()).find((entry) => entry.config.id === id)
    if (!found) throw destinationError('DESTINATION_NOT_FOUND', `There is no destination "${id}" on the bus "${host.name}"; list() shows those there are.`)
    return found
  }

  const api: Destinations = {
    ready,
    status$: status$.asObservable(),
    async add(config) {
      await ready
      const checked = checkDestination(config, providers)
      const { id } = checked.config
      const exists = () => destinationError('DESTINATION_EXISTS', `The bus "${host.name}" already has a destination "${id}"; update(id, patch) changes it.`)
      if (configured.has(id)) throw exists()
      try {
        await store!.putDestination({ config: storable(checked.config), needsHeaders: checked.needsHeaders, addedAt: Date.now() }, 'add')
      } catch (cause) {
        if (nameOf(cause) === 'ConstraintError') throw exists()
        if (nameOf(cause) === 'DataCloneError') throw destinationError('INVALID_DESTINATION', `Destination "${id}": its configuration is not structured-clonable, so it cannot be stored (${describe(cause)}).`, cause)
        throw cause
      }
      if (config.getHeaders) getHeaders.set(id, config.getHeaders)
      await configChanged()
    },
    async update(id, patch: DestinationPatch) {
      await ready
      const current = await storedOrFail(id)
      const fn = getHeaders.get(id)
      const next = patched(fn ? { ...current.config, getHeaders: fn } : current.config, patch)
      const checked = checkDestination(next, providers)
      const needsHeaders = patch && Object.hasOwn(patch, 'getHeaders') ? checked.needsHeaders : current.needsHeaders
      await store!.putDestination({ config: storable(checked.config), needsHeaders, addedAt: current.addedAt }, 'replace')
      if (next.getHeaders) getHeaders.set(id, next.getHeaders)
      else getHeaders.delete(id)
      await configChanged()
    },
    async remove(id) {
      await ready
      if (!(await store!.deleteDestination(id))) await storedOrFail(id)
      getHeaders.delete(id)
      shared.delete(id)
      await configChanged()
    },
    async list() {
      await ready
      return (await store!.destinations()).map((entry): DestinationConfig => entry.config)
    },
    async deadLetters(id) {
      await ready
      await storedOrFail(id)
      const letters = await store!.deadLetters(id)
      const requeued = () => {
        share.post({ type: 'queued', ids: [id] })
        if (leading) couriers.get(id)?.wake()
      }
      return letters.map(
        (letter): DeadLetter => ({
          event: letter.event,
          error: new BusError({ kind: letter.error.kind as BusError['kind'], code: letter.error.code, message: letter.error.message, retryable: false }),
          failedAt: letter.failedAt,
          retry: () => store!.exhume(id, letter.event, true).then(requeued),
          discard: () => store!.exhume(id, letter.event, false),
        }),
      )
    },
    close: detach,
  }

  const hooks: PluginHooks = {
    event(event, provenance) {
      // Each event is captured once, where it entered the origin; the others receive it.
      if (closed || provenance.arrival === 'received') return
      if (loaded) capture(event)
      else early.push(event)
    },
    async flush() {
      await opened
      await flushWrites()
    },
    async close() {
      if (closed) return
      await opened.catch(() => {})
      // What the bus captured before closing is written before the store closes.
      if (!loaded) await ready.catch(() => {})
      await flushWrites()
      closed = true
      leadership?.unsubscribe()
      if (poll !== undefined) clearInterval(poll)
      if (shareTimer !== undefined) clearTimeout(shareTimer)
      for (const courier of couriers.values()) courier.stop()
      if (inBrowser) {
        scope.removeEventListener?.('pagehide', onPagehide)
        scope.removeEventListener?.('online', onOnline)
      }
      share.close()
      store?.close()
      status$.complete()
    },
  }
  return { api, hooks }
}

function idle(id: string): DestinationStatus {
  return { id, pending: 0, delivered: 0, failed: 0, lastError: undefined, nextRetryAt: undefined, paused: undefined }
}

function nameOf(cause: unknown): string | undefined {
  return typeof cause === 'object' && cause !== null && 'name' in cause ? String((cause as { name: unknown }).name) : undefined
}

function checkSettings(options: DestinationsOptions): Settings {
  const invalid = (detail: string) => destinationError('INVALID_DESTINATION', `destinations: ${detail}.`)
  const providers = new Map<string, DestinationProvider>([[httpProvider.type, httpProvider]])
  for (const provider of options.providers ?? []) {
    if (typeof provider?.type !== 'string' || provider.type === '' || typeof provider.deliver !== 'function') {
      throw invalid(`a provider is an object with a non-empty type and a deliver(events, request) function, got ${describe(provider)}`)
    }
    providers.set(provider.type, provider)
  }
  const getHeaders = new Map<string, GetHeaders>()
  for (const [id, fn] of Object.entries(options.getHeaders ?? {})) {
    if (typeof fn !== 'function') throw invalid(`getHeaders.${id} must be a function, got ${describe(fn)}`)
    getHeaders.set(id, fn)
  }
  const maxOutbox = options.maxOutboxEvents ?? DEFAULT_MAX_OUTBOX
  if (!Number.isInteger(maxOutbox) || maxOutbox < 1) throw invalid(`maxOutboxEvents must be a positive integer, got ${describe(maxOutbox)}`)
  const { initialDelayMs = 1_000, maxDelayMs = 60_000, maxAttempts = Infinity } = options.retry ?? {}
  for (const [name, value] of [['initialDelayMs', initialDelayMs], ['maxDelayMs', maxDelayMs], ['maxAttempts', maxAttempts]] as const) {
    if (typeof value !== 'number' || !(value > 0)) throw invalid(`retry.${name} must be a positive number, got ${describe(value)}`)
  }
  const store = options.store ?? (currentContextKind() === undefined && typeof indexedDB === 'undefined' ? 'memory' : 'indexeddb')
  if (store !== 'indexeddb' && store !== 'memory') throw invalid(`store must be "indexeddb" or "memory", got ${describe(store)}`)
  return { providers, getHeaders, maxOutbox, retry: { initialDelayMs, maxDelayMs, maxAttempts }, store }
}
