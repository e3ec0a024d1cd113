import type { BusError, PluginHost } from '../core/index'
import { Courier, type CourierCount } from './courier/courier'
import type { Registry } from './registry'
import type { Settings } from './settings'
import type { OutboxEntry } from './store'
import type { StoreConnection } from './store-connection'
import type { DestinationStatus } from './types'
import { clearance } from './url-policy'

/** While leading, the outboxes are looked at this often besides when told: a safety net for a lost notice. */
const POLL_MS = 2_000

/** What the couriers need from the plugin. */
export interface CouriersDeps {
  readonly host: Pick<PluginHost, 'name' | 'report' | 'leads'>
  readonly settings: Settings
  readonly registry: Registry
  readonly connection: StoreConnection
  /** A status changed (the plugin shows and shares it). */
  readonly changed: () => void
  /** The last status the previous leader shared, so counting goes on. */
  readonly previous: (id: string) => DestinationStatus | undefined
  /** Counts what this context's couriers did (`stats()`). */
  readonly count: (what: CourierCount, entries: number) => void
}

/**
 * The leader's couriers, one per destination this context can deliver (none while not leading),
 * woken by a poll, the page coming back `online`, and notices of queued events; on `pagehide`
 * each sends what is waiting with `keepalive`. Part of the delivery chunk, loaded by the leader only.
 */
export class Couriers {
  private readonly byId = new Map<string, Courier>()
  private leading = false
  private poll: ReturnType<typeof setInterval> | undefined
  private readonly scope = globalThis as unknown as Partial<Pick<Window, 'addEventListener' | 'removeEventListener'>>
  private readonly onPagehide = () => this.byId.forEach((courier) => courier.pagehide())
  private readonly onOnline = () => this.byId.forEach((courier) => courier.wake())

  constructor(private readonly deps: CouriersDeps) {}

  lead(value: boolean): void {
    if (value === this.leading) return
    this.leading = value
    if (value) {
      this.poll = setInterval(this.onOnline, POLL_MS)
      this.scope.addEventListener?.('pagehide', this.onPagehide)
      this.scope.addEventListener?.('online', this.onOnline)
    } else {
      clearInterval(this.poll)
      this.scope.removeEventListener?.('pagehide', this.onPagehide)
      this.scope.removeEventListener?.('online', this.onOnline)
    }
    this.align()
  }

  align(): void {
    const { configured } = this.deps.registry
    for (const [id, courier] of this.byId) {
      if (!this.leading || !configured.has(id)) {
        courier.stop()
        this.byId.delete(id)
      }
    }
    if (!this.leading) return
    for (const [id, destination] of configured) {
      const courier = this.byId.get(id)
      if (courier) courier.reconfigure(destination)
      else this.byId.set(id, this.hire(destination))
    }
  }

  offer(entries: readonly OutboxEntry[], written: Promise<unknown>): ReadonlySet<string> {
    const taken = new Set<string>()
    const only = entries[0]?.destination
    // Mostly one destination takes all of a write: its entries need no sorting out.
    if (only !== undefined && entries.every((entry) => entry.destination === only)) {
      if (this.byId.get(only)?.offer(entries, written)) taken.add(only)
      return taken
    }
    const byDestination = new Map<string, OutboxEntry[]>()
    for (const entry of entries) {
      const list = byDestination.get(entry.destination)
      if (list) list.push(entry)
      else byDestination.set(entry.destination, [entry])
    }
    for (const [id, list] of byDestination) if (this.byId.get(id)?.offer(list, written)) taken.add(id)
    return taken
  }

  dropped(entries: readonly OutboxEntry[]): void {
    if (entries.length > 0) this.byId.forEach((courier, id) => courier.dropped(entries.filter((entry) => entry.destination === id)))
  }

  wake(ids: Iterable<string>): void {
    for (const id of ids) this.byId.get(id)?.wake()
  }

  statusOf(id: string): DestinationStatus | undefined {
    return this.byId.get(id)?.status
  }

  statuses(): DestinationStatus[] {
    return [...this.byId.values()].map((courier) => courier.status)
  }

  private hire(destination: ConstructorParameters<typeof Courier>[0]): Courier {
    const { host, settings, connection, changed, count } = this.deps
    const id = destination.config.id
    const courier = new Courier(destination, {
      get store() {
        return connection.store
      },
      provider: settings.providers.get(destination.config.type)!,
      retry: settings.retry,
      maxOutbox: settings.maxOutbox,
      clearance: (config) => clearance(config, settings.allowedUrls, settings.getHeaders.get(id)),
      report: (error: BusError) => host.report(error),
      changed,
      count,
      online: () => (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine !== false,
      now: Date.now,
    })
    courier.adopt(this.deps.previous(id))
    courier.start()
    return courier
  }
}
