import { currentContextKind, describeValue } from '../core/index'
import { destinationError } from './errors'
import { httpProvider } from './http'
import { MAX_TIMER_MS, type RetryPolicy } from './retry'
import type { DestinationProvider, DestinationsOptions } from './types'
import { checkWebOrigin, compileAllowedUrls, pageWebOrigin, type AllowedUrls, type HeaderGrant } from './url-policy'

const DEFAULT_MAX_OUTBOX = 10_000

/** `destinations(bus, options)` checked, with the defaults filled in. */
export interface Settings {
  /** By type: `http`, then the options' providers (one of type `http` replaces it). */
  readonly providers: ReadonlyMap<string, DestinationProvider>
  /** `getHeaders` by destination id with the web origin it may go to, for this context; `add` and `update` keep it current. */
  readonly getHeaders: Map<string, HeaderGrant>
  /** The URLs destinations may have; `undefined`: any. */
  readonly allowedUrls: AllowedUrls | undefined
  readonly maxOutbox: number
  readonly retry: RetryPolicy
  readonly store: 'indexeddb' | 'memory'
}

/** Checks the options of `destinations(bus, options)`: each problem is a `DESTINATION_INVALID` naming the option. */
export function checkSettings(options: DestinationsOptions): Settings {
  const invalid = (detail: string) => destinationError('DESTINATION_INVALID', `destinations: ${detail}.`)
  const providers = new Map<string, DestinationProvider>([[httpProvider.type, httpProvider]])
  for (const provider of options.providers ?? []) {
    if (typeof provider?.type !== 'string' || provider.type === '' || typeof provider.deliver !== 'function') {
      throw invalid(`a provider is an object with a non-empty type and a deliver(events, request) function, got ${describeValue(provider)}`)
    }
    providers.set(provider.type, provider)
  }
  const getHeaders = new Map<string, HeaderGrant>()
  for (const [id, given] of Object.entries(options.getHeaders ?? {})) {
    if (typeof given === 'function') {
      // The plain form: the headers may go to the page's own origin (a same-origin relay) only.
      getHeaders.set(id, { getHeaders: given, webOrigin: pageWebOrigin() })
      continue
    }
    if (typeof given !== 'object' || given === null) throw invalid(`getHeaders.${id} must be a function or { webOrigin, headers }, got ${describeValue(given)}`)
    const { webOrigin, headers } = given as { webOrigin?: unknown; headers?: unknown }
    if (typeof headers !== 'function') throw invalid(`getHeaders.${id}.headers must be a function, got ${describeValue(headers)}`)
    const checked = checkWebOrigin(webOrigin)
    if (checked === undefined) throw invalid(`getHeaders.${id}.webOrigin must be a web origin such as "https://ingest.example" (scheme, host and port, no path), got ${typeof webOrigin === 'string' ? JSON.stringify(webOrigin) : describeValue(webOrigin)}`)
    getHeaders.set(id, { getHeaders: headers as HeaderGrant['getHeaders'], webOrigin: checked })
  }
  const allowedUrls = compileAllowedUrls(options.allowedUrls, invalid)
  const maxOutbox = options.maxOutboxEvents ?? DEFAULT_MAX_OUTBOX
  if (!Number.isInteger(maxOutbox) || maxOutbox < 1) throw invalid(`maxOutboxEvents must be a positive integer, got ${describeValue(maxOutbox)}`)
  const { initialDelayMs = 1_000, maxDelayMs = 60_000, maxAttempts = Infinity } = options.retry ?? {}
  for (const [name, value] of [['initialDelayMs', initialDelayMs], ['maxDelayMs', maxDelayMs]] as const) {
    // Longer than setTimeout can wait: browsers would retry at once, in a loop.
    if (typeof value !== 'number' || !(value > 0 && value <= MAX_TIMER_MS)) throw invalid(`retry.${name} must be a positive number of ms up to ${MAX_TIMER_MS}, got ${String(value)}`)
  }
  if (typeof maxAttempts !== 'number' || !(maxAttempts > 0)) throw invalid(`retry.maxAttempts must be a positive number, got ${describeValue(maxAttempts)}`)
  const store = options.store ?? (currentContextKind() === undefined && typeof indexedDB === 'undefined' ? 'memory' : 'indexeddb')
  if (store !== 'indexeddb' && store !== 'memory') throw invalid(`store must be "indexeddb" or "memory", got ${describeValue(store)}`)
  return { providers, getHeaders, allowedUrls, maxOutbox, retry: { initialDelayMs, maxDelayMs, maxAttempts }, store }
}
