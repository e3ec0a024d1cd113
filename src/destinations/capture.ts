import { describeError, type BusEvent, type PluginHost } from '../core/index'
import { destinationError } from './errors'
import type { Registry } from './registry'
import type { Counters } from './stats'
import type { OutboxEntry } from './store'
import type { StoreConnection } from './store-connection'

/** What capture tells the rest of the plugin about the outbox writes it makes. */
export interface CaptureListener {
  /**
   * A write has begun (`written` settles with it): the leader may deliver these entries from
   * memory meanwhile. Returns the destinations whose entries it took.
   */
  writing(entries: readonly OutboxEntry[], written: Promise<unknown>): ReadonlySet<string>
  /** The write committed, for these destinations; `taken` are those already being delivered from memory. */
  written(ids: readonly string[], taken: ReadonlySet<string>, trimmed: readonly OutboxEntry[]): void
}

/** Puts the events that entered the origin here into the outbox of every destination they match. */
export interface Capture {
  /** The configuration is loaded: capture what came before it, and from now on at once. */
  start(): void
  capture(event: BusEvent): void
  /** Resolves once every write asked for so far has settled. */
  flush(): Promise<void>
}

/**
 * Every matching event of one task goes into one transaction, begun before the task ends, so a
 * page closed right after sending has already asked for the write. Past `maxOutbox` entries of a
 * destination, the write drops the oldest and capture reports them (`DESTINATION_OUTBOX_FULL`).
 */
export function createCapture(host: PluginHost, registry: Registry, connection: StoreConnection, maxOutbox: number, listener: CaptureListener, counters: Pick<Counters, 'count'>): Capture {
  const writes = new Set<Promise<unknown>>()
  let early: BusEvent[] | undefined = []
  let queued: OutboxEntry[] = []
  let writeScheduled = false

  function capture(event: BusEvent): void {
    if (early) return void early.push(event)
    const queuedAt = Date.now()
    for (const destination of registry.configured.values()) {
      if (destination.matches(event)) queued.push({ destination: destination.config.id, event, queuedAt })
    }
    if (queued.length === 0 || writeScheduled) return
    writeScheduled = true
    queueMicrotask(write)
  }

  function write(): void {
    writeScheduled = false
    const entries = queued
    queued = []
    counters.count('captured', entries.length)
    const written = connection.store.enqueue(entries, maxOutbox)
    const taken = listener.writing(entries, written)
    const done = written.then(
      (trimmed) => {
        reportTrimmed(trimmed)
        listener.written([...new Set(entries.map((entry) => entry.destination))], taken, trimmed)
      },
      (cause: unknown) => {
        counters.count('dropped', entries.length)
        host.report(
          destinationError(
            'DESTINATION_OUTBOX_UNAVAILABLE',
            `${entries.length} events could not be written to the outbox of the bus "${host.name}" (${describeError(cause)}); those not delivered already will not be forwarded.`,
            cause,
          ),
        )
      },
    )
    writes.add(done)
    void done.finally(() => writes.delete(done))
  }

  function reportTrimmed(trimmed: readonly OutboxEntry[]): void {
    counters.count('dropped', trimmed.length)
    const byDestination = new Map<string, OutboxEntry[]>()
    for (const entry of trimmed) byDestination.set(entry.destination, [...(byDestination.get(entry.destination) ?? []), entry])
    for (const [id, entries] of byDestination) {
      const ids = entries.map((entry) => entry.event.id)
      const named = ids.length > 5 ? `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more` : ids.join(', ')
      host.report(
        destinationError('DESTINATION_OUTBOX_FULL', `Destination "${id}": its outbox holds at most ${maxOutbox} events, so the oldest ${entries.length} were dropped undelivered (${named}); the error's cause lists them.`, entries.map((entry) => entry.event)),
      )
    }
  }

  return {
    start() {
      const before = early ?? []
      early = undefined
      for (const event of before) capture(event)
    },
    capture,
    async flush() {
      if (writeScheduled) write()
      while (writes.size > 0) await Promise.all(writes)
    },
  }
}
