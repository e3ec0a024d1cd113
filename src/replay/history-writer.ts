import { describeError, type BusEvent, type PluginHost } from '../core/index'
import { replayError } from './errors'
import type { HistoryStores } from './history-stores'
import type { ReplayStore } from './store'

// More events than this waiting to be stored means the store cannot keep up with this context.
const BACKLOG_LIMIT = 20_000

/**
 * Writes the events that entered the origin here, batched per task: the first `add` of a task
 * queues a microtask that puts the whole batch in one relaxed transaction and commits it, so the
 * transaction starts before the task that sent ends and a page closed right after survives it (as
 * far as the browser commits). The batch also goes out on `pagehide` and when the page is hidden.
 *
 * One context's batches reach the store in the order they were sent, so every reader finds a
 * prefix of each context's events stored: what history's completeness check relies on.
 */
export class HistoryWriter {
  // Writes in flight (what flush waits for); trims and closing are not.
  private readonly writes = new Set<Promise<unknown>>()
  private pending: BusEvent[] = []
  private scheduled = false
  private writtenSinceTrim = 0
  // Events handed to the store and not yet stored, and whether that was reported.
  private unwritten = 0
  private behind = false
  private readonly listens: boolean

  constructor(
    private readonly host: PluginHost,
    private readonly stores: HistoryStores,
    // A trim per this many events written keeps the store near retention at a few requests per trim.
    private readonly trimEvery: number,
    private readonly trim: () => void,
  ) {
    this.listens = !stores.inMemory && typeof addEventListener === 'function' && typeof document !== 'undefined'
    if (this.listens) {
      addEventListener('pagehide', this.writePending)
      document.addEventListener('visibilitychange', this.onVisibilityChange)
    }
  }

  /** Queues an event to be stored with the others of this task. */
  add(event: BusEvent): void {
    this.pending.push(event)
    if (!this.scheduled) {
      this.scheduled = true
      queueMicrotask(this.writePending)
    }
  }

  /** Hands what is queued to the store now (a read started next sees it). */
  readonly writePending = (): void => {
    this.scheduled = false
    if (this.pending.length === 0) return
    const batch = this.pending
    this.pending = []
    this.unwritten += batch.length
    if (this.unwritten > BACKLOG_LIMIT && !this.behind) {
      this.behind = true
      this.host.report(
        replayError(
          'REPLAY_BEHIND',
          `History of the bus "${this.host.name}" is falling behind: ${this.unwritten} events sent here are not stored yet; a tab closed now loses them from history; live delivery is unaffected.`,
        ),
      )
    }
    const written = this.stores
      .use((target) => this.write(target, batch))
      .finally(() => {
        this.unwritten -= batch.length
        // Said again only after the backlog has drained well below the limit.
        if (this.unwritten < BACKLOG_LIMIT / 2) this.behind = false
      })
    this.writes.add(written)
    void written.finally(() => this.writes.delete(written))
  }

  /** Resolves once every event queued so far is stored. */
  async flush(): Promise<void> {
    this.writePending()
    while (this.writes.size > 0) await Promise.all(this.writes)
  }

  /** Writes what is queued and stops listening to the page; resolves once the writes are done. */
  close(): Promise<unknown> {
    this.writePending()
    if (this.listens) {
      removeEventListener('pagehide', this.writePending)
      document.removeEventListener('visibilitychange', this.onVisibilityChange)
    }
    return Promise.allSettled(this.writes)
  }

  private readonly onVisibilityChange = (): void => {
    if (document.visibilityState === 'hidden') this.writePending()
  }

  private async write(target: ReplayStore, batch: BusEvent[]): Promise<void> {
    try {
      await target.write(batch)
    } catch (cause) {
      await this.stores.fallBack(writeFailure(cause), cause).write(batch)
      return
    }
    // Committed to IndexedDB just as this context fell back: keep the batch readable here too.
    const memory = this.stores.fallback
    if (memory && target !== memory) await memory.write(batch)
    this.writtenSinceTrim += batch.length
    if (this.writtenSinceTrim >= this.trimEvery) {
      this.writtenSinceTrim = 0
      this.trim()
    }
  }
}

function writeFailure(cause: unknown): string {
  if (cause instanceof DOMException && cause.name === 'QuotaExceededError') return 'the storage quota is exceeded'
  return `storing events failed (${describeError(cause)})`
}
