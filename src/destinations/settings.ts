import { currentContextKind } from '../core/context'
import { describe } from '../core/validate'
import { destinationError } from './errors'
import { httpProvider } from './http'
import type { RetryPolicy } from './retry'
import type { DestinationProvider, DestinationsOptions, GetHeaders } from './types'

const DEFAULT_MAX_OUTBOX = 10_000

/** `destinations(bus, options)` checked, with the defaults filled in. */
export interface Settings {
  /** By type: `http`, then the options' providers (one of type `http` replaces it). */
  readonly providers: ReadonlyMap<string, DestinationProvider>
  /** `getHeaders` by destination id, for this context; `add` and `update` keep it current. */
  readonly getHeaders: Map<string, GetHeaders>
  readonly maxOutbox: number
  readonly retry: RetryPolicy
  readonly store: 'indexeddb' | 'memory'
}

/** Checks the options of `destinations(bus, options)`: each problem is an `INVALID_DESTINATION` naming the option. */
export function checkSettings(options: DestinationsOptions): Settings {
  const invalid = (detail: string) => destinationError('INVALID_DESTINATION', `destinations: ${detail}.`)
  const providers = new Map<string, DestinationProvider>([[httpProvider.type, httpProvider]])
  for (const provider of options.providers ?? []) {
    if (typeof provider?.type !== 'string' || provider.type === '' || typeof provider.deliver !== 'function') {
      throw invalid(`a provider is an object with a non-empty type and a deliver(events, request) function, got ${describe(provider)}`)
    }
    providers.set(provider.type, provider)
  }
  const getHeaders = new Map<string, GetHeaders>()
  for (const [id, fn] of Object.entries(options.getHeaders ?? {})) {
    if (typeof fn !== 'function') throw invalid(`getHeaders.${id} must be a function, got ${describe(fn)}`)
    getHeaders.set(id, fn)
  }
  const maxOutbox = options.maxOutboxEvents ?? DEFAULT_MAX_OUTBOX
  if (!Number.isInteger(maxOutbox) || maxOutbox < 1) throw invalid(`maxOutboxEvents must be a positive integer, got ${describe(maxOutbox)}`)
  const { initialDelayMs = 1_000, maxDelayMs = 60_000, maxAttempts = Infinity } = options.retry ?? {}
  for (const [name, value] of [['initialDelayMs', initialDelayMs], ['maxDelayMs', maxDelayMs], ['maxAttempts', maxAttempts]] as const) {
    if (typeof value !== 'number' || !(value > 0)) throw invalid(`retry.${name} must be a positive number, got ${describe(value)}`)
  }
  const store = options.store ?? (currentContextKind() === undefined && typeof indexedDB === 'undefined' ? 'memory' : 'indexeddb')
  if (store !== 'indexeddb' && store !== 'memory') throw invalid(`store must be "indexeddb" or "memory", got ${describe(store)}`)
  return { providers, getHeaders, maxOutbox, retry: { initialDelayMs, maxDelayMs, maxAttempts }, store }
}
