import { BehaviorSubject, type Observable } from 'rxjs'
import { lazyImportHint, type BusError } from '../core/index'
import { syncError } from './errors'
import { watched } from './watched'

/** Runs for leadership; returns the abdication. */
type Elect = (channelName: string, onLeading: (leading: boolean) => void, failed: (cause: unknown) => void) => () => void

/**
 * `leader$` for one bus instance: a leader election among the instances that observe `leader$`,
 * on a Web Lock where the browser has them (so never two leaders; see lock-election.ts for how
 * leadership leaves a frozen leader), else `broadcast-channel`'s election by messages. It is
 * started by the first observer and abdicated when the last one leaves or the bus closes, so
 * another instance takes over.
 */
export class Leadership {
  readonly leader$: Observable<boolean>
  private readonly state: BehaviorSubject<boolean>
  private closed = false
  private stopElection: (() => void) | undefined

  constructor(
    private readonly channelName: string | undefined,
    private readonly report: (error: BusError) => void,
  ) {
    // A local bus (crossTab: false, or no browser) is alone, so it leads.
    this.state = new BehaviorSubject(channelName === undefined)
    this.leader$ = watched(this.state, () => this.closed, () => this.start(), () => this.stop())
  }

  /** Abdicates and completes every observer of `leader$`. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.stop()
    this.state.complete()
  }

  private start(): void {
    const channelName = this.channelName
    if (channelName === undefined) return
    let stopped = false
    let abdicate = () => {}
    this.stopElection = () => {
      stopped = true
      abdicate()
    }
    const failed = (cause: unknown) => {
      if (!stopped) this.report(syncError('SYNC_ELECTION_FAILED', `The leader election failed; this instance will not lead.${hintSentence(lazyImportHint())}`, cause))
    }
    loadElection().then((elect) => {
      if (stopped) return
      abdicate = elect(channelName, (leading) => {
        if (!stopped) this.state.next(leading)
      }, failed)
    }, failed)
  }

  private stop(): void {
    this.stopElection?.()
    this.stopElection = undefined
    if (!this.closed && this.channelName !== undefined) this.state.next(false)
  }
}

// Loaded on demand, so a bus that never asks who leads ships neither election.
function loadElection(): Promise<Elect> {
  const hasWebLocks = typeof navigator !== 'undefined' && typeof navigator.locks?.request === 'function'
  return hasWebLocks ? import('./lock-election').then(({ electByLock }) => electByLock) : import('broadcast-channel').then(electByMessages)
}

/** Browsers without Web Locks: broadcast-channel's election by messages (a silent leader is replaced after its `fallbackInterval`). */
function electByMessages({ BroadcastChannel, createLeaderElection }: typeof import('broadcast-channel')): Elect {
  return (channelName, onLeading, failed) => {
    const channel = new BroadcastChannel(channelName, { webWorkerSupport: true })
    const elector = createLeaderElection(channel)
    elector.awaitLeadership().then(() => onLeading(true), failed)
    return () => void elector.die().then(() => channel.close()).catch(() => {})
  }
}

function hintSentence(hint: string | undefined): string {
  return hint === undefined ? '' : ` In this context ${hint}.`
}
