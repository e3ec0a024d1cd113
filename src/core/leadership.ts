import { BehaviorSubject, distinctUntilChanged, switchMap, type Observable } from 'rxjs'
import { currentContextKind } from './context'
import { busError } from './errors'
import type { Peer } from './plugin'
import type { PluginSet } from './plugin-set'

/**
 * `peers$` and leadership: the presence plugin's answer while one is attached (sync's), and a bus
 * alone otherwise, which is its only peer and leads every job.
 */
export class Leadership {
  readonly #alone: BehaviorSubject<readonly Peer[]>
  readonly #leadingAlone = new BehaviorSubject(true)
  readonly peers$: Observable<readonly Peer[]>
  readonly #plugins: PluginSet

  constructor(plugins: PluginSet, origin: string) {
    this.#plugins = plugins
    this.#alone = new BehaviorSubject<readonly Peer[]>([{ origin, kind: currentContextKind() ?? 'other', since: Date.now(), self: true }])
    this.peers$ = plugins.presence$.pipe(switchMap((presence) => presence?.peers$ ?? this.#alone))
  }

  /** Whether this instance leads `job` (see `PluginHost.leads`). */
  readonly leads = (job: string): Observable<boolean> => {
    if (typeof job !== 'string' || job === '') throw busError('INVALID_ARGUMENT', 'A leadership job is a non-empty string, e.g. "destinations".')
    return this.#plugins.presence$.pipe(
      switchMap((presence) => (presence ? presence.leads(job) : this.#leadingAlone)),
      distinctUntilChanged(),
    )
  }

  /** Ends every observer (the bus closed). */
  complete(): void {
    this.#alone.complete()
    this.#leadingAlone.complete()
  }
}
