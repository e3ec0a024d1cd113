import type { Observable } from 'rxjs'

/**
 * What a module that attaches to a bus with a handle returns (`destinations(bus, o)`,
 * `bridgeNats(bus, o)`, `mountDevtools(bus, o)`, and any plugin of yours that has one): one shape,
 * so an app starts, watches and stops them all alike.
 *
 * @example
 * const bridge = bridgeNats(bus, { servers: 'ws://127.0.0.1:8080' })
 * await bridge.ready
 * bridge.status$.subscribe((status) => console.log(status))
 * console.log(bridge.stats())
 * await bridge.close()
 */
export interface ModuleHandle<Status, Stats> {
  /** Settles once the module has started (its store opened, its first connection made, its UI shown); rejects if it cannot. */
  readonly ready: Promise<void>
  /** The module's state now and on every change. */
  readonly status$: Observable<Status>
  /** Counters since the module started, read on demand. */
  stats(): Stats
  /** Stops the module and waits for its pending work; calling it again returns the same promise. */
  close(): Promise<void>
}
