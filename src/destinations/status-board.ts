import { BehaviorSubject, type Observable } from 'rxjs'
import { fromShared, toShared, type ShareMessage, type SharedStatus } from './share'
import type { DestinationStatus } from './types'

/** The leader shares its status at most this often. */
const SHARE_STATUS_MS = 100

/** `status$` in every context: the leader's own view there, the view it shared elsewhere. */
export interface StatusBoard {
  readonly status$: Observable<readonly DestinationStatus[]>
  /** What `status$` shows now. */
  current(): readonly DestinationStatus[]
  /** What the leader last shared about a destination. */
  previous(id: string): DestinationStatus | undefined
  /** Something changed: one emission for a burst of changes (a batch delivered per request). */
  changed(): void
  /** The leader's statuses, as another context received them. */
  received(statuses: readonly SharedStatus[]): void
  /** The leader shares its statuses, soon (at most every 100 ms). */
  share(): void
  forget(id: string): void
  close(): void
}

/** Where the board reads what it shows. */
export interface StatusSources {
  /** The destinations to show, in `list()` order. */
  readonly ids: () => Iterable<string>
  readonly leading: () => boolean
  /** This context's own view of a destination while it leads. */
  readonly local: (id: string) => DestinationStatus | undefined
  /** Every destination this context delivers, to share. */
  readonly locals: () => DestinationStatus[]
  readonly post: (message: ShareMessage) => void
}

export function createStatusBoard(sources: StatusSources): StatusBoard {
  const status$ = new BehaviorSubject<readonly DestinationStatus[]>([])
  const shared = new Map<string, DestinationStatus>()
  let scheduled = false
  let closed = false
  let lastShared = 0
  let shareTimer: ReturnType<typeof setTimeout> | undefined

  function share(): void {
    if (shareTimer !== undefined) return
    shareTimer = setTimeout(
      () => {
        shareTimer = undefined
        lastShared = Date.now()
        if (!closed && sources.leading()) sources.post({ type: 'status', statuses: sources.locals().map(toShared) })
      },
      Math.max(0, lastShared + SHARE_STATUS_MS - Date.now()),
    )
  }

  return {
    status$: status$.asObservable(),
    current: () => status$.getValue(),
    previous: (id) => shared.get(id),
    changed() {
      if (scheduled) return
      scheduled = true
      queueMicrotask(() => {
        scheduled = false
        if (closed) return
        const leading = sources.leading()
        status$.next([...sources.ids()].map((id) => (leading ? sources.local(id) : undefined) ?? shared.get(id) ?? idle(id)))
        if (leading) share()
      })
    },
    received(statuses) {
      for (const status of statuses) shared.set(status.id, fromShared(status))
      this.changed()
    },
    share,
    forget: (id) => void shared.delete(id),
    close() {
      closed = true
      if (shareTimer !== undefined) clearTimeout(shareTimer)
      status$.complete()
    },
  }
}

function idle(id: string): DestinationStatus {
  return { id, pending: 0, delivered: 0, failed: 0, lastError: undefined, nextRetryAt: undefined, paused: undefined }
}
