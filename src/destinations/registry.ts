import { BusError } from '../core/errors'
import type { PluginHost } from '../core/plugin'
import { checkDestination, type Destination, type StoredDestination } from './config'
import type { Settings } from './settings'
import type { StoreConnection } from './store-connection'

/** The destinations of the bus name as this context can use them. */
export interface Registry {
  /** By id, in `list()` order: those this context captures for and, leading, delivers. */
  readonly configured: ReadonlyMap<string, Destination>
  /** Reads the stored configuration again (it is shared: any context may have changed it). */
  load(): Promise<void>
}

/**
 * The configuration as this context knows it: read from the store, resolved with this context's
 * providers and `getHeaders`. A destination this context cannot use (its provider is not
 * registered here) is reported once and left out: neither captured nor delivered here.
 */
export function createRegistry(host: PluginHost, settings: Settings, connection: StoreConnection): Registry {
  const { providers, getHeaders } = settings
  const refusedHere = new Set<string>()
  let configured = new Map<string, Destination>()

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

  return {
    get configured() {
      return configured
    },
    async load() {
      const next = new Map<string, Destination>()
      for (const entry of await connection.store.destinations()) {
        const destination = resolve(entry)
        if (destination) next.set(entry.config.id, destination)
      }
      configured = next
    },
  }
}
