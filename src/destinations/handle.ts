import type { Observable } from 'rxjs'
import { BusError, describeError, type PluginHost } from '../core/index'
import { checkDestination, patched, storable, type StoredDestination } from './config'
import { destinationError } from './errors'
import type { Registry } from './registry'
import type { Settings } from './settings'
import type { StoreConnection } from './store-connection'
import type { DeadLetter, DestinationConfig, DestinationPatch, Destinations, DestinationStatus } from './types'
import { grantProblem, urlProblem, webOriginOf, type HeaderGrant } from './url-policy'

/** What the handle works with. */
export interface HandleDeps {
  readonly host: PluginHost
  readonly settings: Settings
  readonly connection: StoreConnection
  readonly registry: Registry
  readonly ready: Promise<void>
  readonly status$: Observable<readonly DestinationStatus[]>
  /** The stored configuration changed here: reload it, and tell the other contexts. */
  readonly configChanged: () => Promise<void>
  /** A destination was removed: forget what the leader said about it. */
  readonly removed: (id: string) => void
  /** Entries were put back into a destination's outbox (a dead letter retried). */
  readonly requeued: (id: string) => void
  readonly stats: Destinations['stats']
  readonly close: () => Promise<void>
}

/** The `Destinations` that `destinations(bus)` returns: the configuration, dead letters, status. */
export function createHandle(deps: HandleDeps): Destinations {
  const { host, settings, connection, registry, ready } = deps
  const { providers, getHeaders, allowedUrls } = settings

  /** Refuses a url outside `allowedUrls`, or on another origin than the getHeaders that would go with it. */
  function checkReach(config: DestinationConfig, grant: HeaderGrant | undefined, hint: string): void {
    const url = urlProblem(config, allowedUrls)
    if (url !== undefined) throw destinationError('DESTINATION_INVALID', `Destination "${config.id}": ${url}.`)
    const headers = grantProblem(config, grant)
    if (headers !== undefined) throw destinationError('DESTINATION_INVALID', `Destination "${config.id}": ${headers}; ${hint}.`)
  }

  async function storedOrFail(id: string): Promise<StoredDestination> {
    const found = (await connection.store.destinations()).find((entry) => entry.config.id === id)
    if (!found) throw destinationError('DESTINATION_NOT_FOUND', `There is no destination "${id}" on the bus "${host.name}"; list() shows those there are.`)
    return found
  }

  return {
    ready,
    status$: deps.status$,
    async add(config) {
      await ready
      const checked = checkDestination(config, providers)
      const { id } = checked.config
      // getHeaders given with the destination may go to the origin of its url, and nowhere else.
      const grant = checked.config.getHeaders ? { getHeaders: checked.config.getHeaders, webOrigin: webOriginOf(checked.config.url) } : getHeaders.get(id)
      checkReach(checked.config, grant, `add it with a url there, or give it its own getHeaders`)
      const exists = () => destinationError('DESTINATION_EXISTS', `The bus "${host.name}" already has a destination "${id}"; update(id, patch) changes it.`)
      if (registry.configured.has(id)) throw exists()
      try {
        await connection.store.putDestination({ config: storable(checked.config), needsHeaders: checked.needsHeaders, addedAt: Date.now() }, 'add')
      } catch (cause) {
        if (nameOf(cause) === 'ConstraintError') throw exists()
        if (nameOf(cause) === 'DataCloneError') throw destinationError('DESTINATION_INVALID', `Destination "${id}": its configuration is not structured-clonable, so it cannot be stored (${describeError(cause)}).`, cause)
        throw cause
      }
      if (checked.config.getHeaders) getHeaders.set(id, grant!)
      await deps.configChanged()
    },
    async update(id, patch: DestinationPatch) {
      await ready
      const current = await storedOrFail(id)
      const checked = checkDestination(patched(current.config, patch), providers)
      // getHeaders given again (or cleared) moves with the url it comes with; otherwise the url must stay on its origin.
      const givesHeaders = Object.hasOwn(patch, 'getHeaders')
      const fn = checked.config.getHeaders
      const grant = givesHeaders ? fn && { getHeaders: fn, webOrigin: webOriginOf(checked.config.url) } : getHeaders.get(id)
      checkReach(checked.config, grant, `to send them there, give getHeaders again with the url: update("${id}", { url, getHeaders })`)
      const needsHeaders = givesHeaders ? checked.needsHeaders : current.needsHeaders
      await connection.store.putDestination({ config: storable(checked.config), needsHeaders, addedAt: current.addedAt }, 'replace')
      if (givesHeaders) {
        if (grant) getHeaders.set(id, grant)
        else getHeaders.delete(id)
      }
      await deps.configChanged()
    },
    async remove(id) {
      await ready
      if (!(await connection.store.deleteDestination(id))) await storedOrFail(id)
      getHeaders.delete(id)
      deps.removed(id)
      await deps.configChanged()
    },
    async list() {
      await ready
      return (await connection.store.destinations()).map((entry): DestinationConfig => entry.config)
    },
    async deadLetters(id) {
      await ready
      await storedOrFail(id)
      return (await connection.store.deadLetters(id)).map(
        (letter): DeadLetter => ({
          event: letter.event,
          error: new BusError({ kind: letter.error.kind as BusError['kind'], code: letter.error.code, message: letter.error.message, retryable: false }),
          failedAt: letter.failedAt,
          retry: () => connection.store.exhume(id, letter.event, true).then(() => deps.requeued(id)),
          discard: () => connection.store.exhume(id, letter.event, false),
        }),
      )
    },
    stats: deps.stats,
    close: deps.close,
  }
}

function nameOf(cause: unknown): string | undefined {
  return typeof cause === 'object' && cause !== null && 'name' in cause ? String((cause as { name: unknown }).name) : undefined
}
