import { BusError, type PluginHost } from '../core/index'
import { checkDestination, type Destination, type StoredDestination } from './config'
import { destinationError } from './errors'
import type { Settings } from './settings'
import type { StoreConnection } from './store-connection'
import { urlProblem } from './url-policy'

/** The destinations of the bus name as this context can use them. */
export interface Registry {
  /** By id, in `list()` order: those this context captures for and, leading, delivers. */
  readonly configured: ReadonlyMap<string, Destination>
  /** The configuration as last read from the store, this context's usable or not. */
  readonly stored: readonly StoredDestination[]
  /** Reads the stored configuration again (it is shared: any context may have changed it). */
  load(): Promise<void>
}

/**
 * The configuration as this context knows it: read from the store, resolved with this context's
 * providers. A destination this context cannot use (its provider is not registered here, its url
 * is outside `allowedUrls`) is reported once and left out: neither captured nor delivered here.
 */
export function createRegistry(host: PluginHost, settings: Settings, connection: StoreConnection): Registry {
  const { providers, allowedUrls } = settings
  const refusedHere = new Set<string>()
  let configured = new Map<string, Destination>()
  let stored: readonly StoredDestination[] = []

  function refuse(id: string, error: BusError): undefined {
    if (refusedHere.has(id)) return undefined
    refusedHere.add(id)
    host.report(new BusError({ kind: error.kind, code: error.code, retryable: false, message: `${error.message} This context neither captures nor delivers for it.`, cause: error }))
    return undefined
  }

  function resolve(entry: StoredDestination): Destination | undefined {
    const id = entry.config.id
    // Anyone in the origin can rewrite the stored configuration; allowedUrls comes from code.
    const problem = urlProblem(entry.config, allowedUrls)
    if (problem !== undefined) {
      return refuse(id, destinationError('DESTINATION_URL_REFUSED', `Destination "${id}": the stored ${problem} (was it changed outside this app's code? update("${id}", { url }) from code puts it right).`))
    }
    try {
      const destination = { ...checkDestination(entry.config, providers), needsHeaders: entry.needsHeaders }
      refusedHere.delete(id)
      return destination
    } catch (error) {
      return error instanceof BusError ? refuse(id, error) : undefined
    }
  }

  return {
    get configured() {
      return configured
    },
    get stored() {
      return stored
    },
    async load() {
      const next = new Map<string, Destination>()
      stored = await connection.store.destinations()
      for (const entry of stored) {
        const destination = resolve(entry)
        if (destination) next.set(entry.config.id, destination)
      }
      configured = next
    },
  }
}
