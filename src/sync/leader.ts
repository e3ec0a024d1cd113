import { BehaviorSubject, Observable, ReplaySubject, distinctUntilChanged, share } from 'rxjs'
import { BusError } from '../core/errors'
import { lazyImportHint } from '../core/context'

/**
 * `leader$` for one bus instance: `broadcast-channel`'s leader election (Web Locks where the
 * browser has them, so never two leaders) among the instances that observe `leader$`. It is
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
    const source = new Observable<boolean>((subscriber) => {
      const watch = this.state.subscribe(subscriber)
      if (!this.closed) this.start()
      return () => {
        watch.unsubscribe()
        this.stop()
      }
    })
    this.leader$ = source.pipe(
      distinctUntilChanged(),
      share({ connector: () => new ReplaySubject(1), resetOnRefCountZero: true, resetOnComplete: true }),
    )
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
      if (!stopped) this.report(new BusError({ kind: 'UNAVAILABLE', code: 'ELECTION_FAILED', retryable: true, message: `The leader election failed; this instance will not lead.${hintSentence(lazyImportHint())}`, cause }))
    }
    // Loaded on demand, so a bus that never asks who leads doesn't ship the election.
    import('broadcast-channel').then(({ BroadcastChannel, createLeaderElection }) => {
      if (stopped) return
      const channel = new BroadcastChannel(channelName, { webWorkerSupport: true })
      const elector = createLeaderElection(channel)
      // die() also releases the Web Lock, which lets the next candidate in.
      abdicate = () => void elector.die().then(() => channel.close()).catch(() => {})
      elector.awaitLeadership().then(() => {
        if (!stopped) this.state.next(true)
      }, failed)
    }, failed)
  }

  private stop(): void {
    this.stopElection?.()
    this.stopElection = undefined
    if (!this.closed && this.channelName !== undefined) this.state.next(false)
  }
}

function hintSentence(hint: string | undefined): string {
  return hint === undefined ? '' : ` In this context ${hint}.`
}
