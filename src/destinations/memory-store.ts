import type { BusEvent } from '../core/index'
import type { StoredDestination } from './config'
import { compareKeys, type DestinationStore, type OutboxCursor, type OutboxEntry, type OutboxRead, type StoredDeadLetter, type StoredError } from './store'

/** The outbox in this context's memory: for Node, SSR and tests, or when IndexedDB cannot be used. */
export class MemoryDestinationStore implements DestinationStore {
  readonly kind = 'memory'
  private readonly configs = new Map<string, StoredDestination>()
  private readonly outboxes = new Map<string, OutboxEntry[]>()
  private readonly dead = new Map<string, StoredDeadLetter[]>()

  async destinations(): Promise<StoredDestination[]> {
    return [...this.configs.values()].sort((a, b) => a.addedAt - b.addedAt)
  }

  async putDestination(destination: StoredDestination, mode: 'add' | 'replace'): Promise<void> {
    const id = destination.config.id
    if (mode === 'add' && this.configs.has(id)) throw new DOMException(`Key ${id} already exists.`, 'ConstraintError')
    this.configs.set(id, destination)
  }

  async deleteDestination(id: string): Promise<boolean> {
    this.outboxes.delete(id)
    this.dead.delete(id)
    return this.configs.delete(id)
  }

  async enqueue(entries: readonly OutboxEntry[], max: number): Promise<OutboxEntry[]> {
    const touched = new Set<string>()
    for (const entry of entries) {
      const outbox = this.outboxOf(entry.destination)
      insertSorted(outbox, entry)
      touched.add(entry.destination)
    }
    const trimmed: OutboxEntry[] = []
    for (const id of touched) {
      const outbox = this.outboxOf(id)
      if (outbox.length > max) trimmed.push(...outbox.splice(0, outbox.length - max))
    }
    return trimmed
  }

  async count(destination: string): Promise<number> {
    return this.outboxes.get(destination)?.length ?? 0
  }

  async read(destination: string, limit: number, after?: OutboxCursor): Promise<OutboxRead> {
    const outbox = this.outboxes.get(destination) ?? []
    const from = (after as MemoryCursor | undefined)?.after
    const rest = from ? outbox.filter((entry) => compareKeys(entry.event, from) > 0) : outbox
    const entries = rest.slice(0, limit)
    const next = rest.length > limit ? ({ outboxCursor: true, after: entries[entries.length - 1]!.event } satisfies MemoryCursor) : undefined
    return { entries, next, pending: outbox.length }
  }

  async remove(destination: string, entries: readonly OutboxEntry[]): Promise<void> {
    const outbox = this.outboxes.get(destination)
    if (!outbox) return
    const gone = new Set(entries.map((entry) => identity(entry.event)))
    this.outboxes.set(destination, outbox.filter((entry) => !gone.has(identity(entry.event))))
  }

  async bury(destination: string, entries: readonly OutboxEntry[], error: StoredError, failedAt: number): Promise<void> {
    await this.remove(destination, entries)
    const dead = this.dead.get(destination) ?? []
    for (const entry of entries) dead.push({ destination, event: entry.event, error, failedAt })
    this.dead.set(destination, dead.sort((a, b) => compareKeys(a.event, b.event)))
  }

  async deadLetters(destination: string): Promise<StoredDeadLetter[]> {
    return [...(this.dead.get(destination) ?? [])]
  }

  async exhume(destination: string, event: BusEvent, requeue: boolean): Promise<void> {
    const dead = this.dead.get(destination) ?? []
    const letter = dead.find((candidate) => identity(candidate.event) === identity(event))
    if (!letter) return
    this.dead.set(destination, dead.filter((candidate) => candidate !== letter))
    if (requeue && this.configs.has(destination)) insertSorted(this.outboxOf(destination), { destination, event, queuedAt: Date.now() })
  }

  close(): void {}

  private outboxOf(id: string): OutboxEntry[] {
    let outbox = this.outboxes.get(id)
    if (!outbox) this.outboxes.set(id, (outbox = []))
    return outbox
  }
}

interface MemoryCursor extends OutboxCursor {
  readonly after: BusEvent
}

function identity(event: BusEvent): string {
  return JSON.stringify([event.time, event.id, event.system])
}

/** Keeps the outbox ordered and each event once. */
function insertSorted(outbox: OutboxEntry[], entry: OutboxEntry): void {
  let low = 0
  let high = outbox.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (compareKeys(outbox[middle]!.event, entry.event) < 0) low = middle + 1
    else high = middle
  }
  if (low < outbox.length && compareKeys(outbox[low]!.event, entry.event) === 0) outbox[low] = entry
  else outbox.splice(low, 0, entry)
}
