import { BusError, compileEventFilter, describeError, describeValue, type EventFilter, type EventTest } from '../core/index'
import { destinationError } from './errors'
import type { DestinationConfig, DestinationPatch, DestinationProvider } from './types'

const KEYS = ['id', 'type', 'url', 'filter', 'mode', 'headers', 'getHeaders', 'batch', 'options'] as const
const MODES = ['structured', 'binary', 'batch'] as const
export const DEFAULT_BATCH_EVENTS = 100
export const DEFAULT_BATCH_DELAY_MS = 50
/** More than this per request makes bodies no receiver should have to take in one go. */
const MAX_BATCH_EVENTS = 10_000

/** A destination as it is persisted and shared: its configuration without `getHeaders`, plus whether it had one. */
export interface StoredDestination {
  readonly config: DestinationConfig
  /** `getHeaders` was given where it was added: a context without one must not send. */
  readonly needsHeaders: boolean
  /** Epoch ms; `list()` order. */
  readonly addedAt: number
}

/** A destination ready to deliver: its checked configuration and compiled filter. */
export interface Destination {
  readonly config: DestinationConfig
  readonly needsHeaders: boolean
  readonly matches: EventTest
  /** Events per request: `batch.maxEvents` in batch mode, 1 otherwise. */
  readonly perRequest: number
  /** How long a batch may wait to fill, 0 outside batch mode. */
  readonly maxDelayMs: number
}

/**
 * Checks a destination's configuration and returns it with what it needs at delivery time; every
 * problem is a `DESTINATION_INVALID` naming the destination and the field.
 */
export function checkDestination(config: unknown, providers: ReadonlyMap<string, DestinationProvider>): Destination {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw destinationError('DESTINATION_INVALID', `A destination is an object such as { id: 'audit', type: 'http', url: '/events' }, got ${describeValue(config)}.`)
  }
  const given = config as Record<string, unknown>
  const id = given['id']
  if (typeof id !== 'string' || id === '') throw destinationError('DESTINATION_INVALID', `A destination needs a non-empty string id, got ${describeValue(id)}.`)
  const fail = (detail: string, cause?: unknown) => destinationError('DESTINATION_INVALID', `Destination "${id}": ${detail}.`, cause)
  for (const key of Object.keys(given)) {
    if (!(KEYS as readonly string[]).includes(key)) throw fail(`unknown field "${key}"; the fields are ${KEYS.join(', ')}`)
  }
  const type = given['type']
  const provider = typeof type === 'string' ? providers.get(type) : undefined
  if (!provider) {
    throw fail(`unknown type ${typeof type === 'string' ? JSON.stringify(type) : describeValue(type)}; the types in this context are ${[...providers.keys()].map((name) => `"${name}"`).join(', ')} (add others with destinations(bus, { providers }))`)
  }
  const mode = given['mode'] ?? 'structured'
  if (!(MODES as readonly unknown[]).includes(mode)) throw fail(`mode must be "structured", "binary" or "batch", got ${describeValue(mode)}`)
  const headers = given['headers']
  if (headers !== undefined && !isStringRecord(headers)) throw fail('headers must be an object of string values')
  if (given['getHeaders'] !== undefined && typeof given['getHeaders'] !== 'function') throw fail('getHeaders must be a function')
  if (given['url'] !== undefined && typeof given['url'] !== 'string') throw fail(`url must be a string, got ${describeValue(given['url'])}`)
  const options = given['options']
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) throw fail('options must be an object')

  const { perRequest, maxDelayMs } = checkBatch(given['batch'], mode === 'batch', fail)
  const matches = compileFilter(given['filter'], fail)
  const checked = config as DestinationConfig
  try {
    provider.check?.(checked)
  } catch (cause) {
    if (cause instanceof BusError) throw cause
    throw fail(`the "${provider.type}" provider refused it (${describeError(cause)})`, cause)
  }
  return { config: checked, needsHeaders: typeof given['getHeaders'] === 'function', matches, perRequest, maxDelayMs }
}

/** `current` with `patch` applied; `id` and `type` cannot change. */
export function patched(current: DestinationConfig, patch: DestinationPatch): DestinationConfig {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw destinationError('DESTINATION_INVALID', `Destination "${current.id}": a patch is an object of the fields to change, got ${describeValue(patch)}.`)
  }
  for (const key of ['id', 'type']) {
    if (Object.hasOwn(patch, key) && (patch as Record<string, unknown>)[key] !== (current as unknown as Record<string, unknown>)[key]) {
      throw destinationError('DESTINATION_INVALID', `Destination "${current.id}": its ${key} cannot change; remove it and add another.`)
    }
  }
  const next: Record<string, unknown> = { ...current, ...patch }
  // An explicit `undefined` in a patch clears the field.
  for (const key of Object.keys(next)) if (next[key] === undefined) delete next[key]
  return next as unknown as DestinationConfig
}

/** What is persisted: everything but the function, which cannot be cloned. */
export function storable(config: DestinationConfig): DestinationConfig {
  const { getHeaders: _function, ...rest } = config
  return rest
}

function checkBatch(batch: unknown, batchMode: boolean, fail: (detail: string) => BusError): { perRequest: number; maxDelayMs: number } {
  if (batch !== undefined && (typeof batch !== 'object' || batch === null || Array.isArray(batch))) throw fail('batch must be { maxEvents?, maxDelayMs? }')
  const { maxEvents = DEFAULT_BATCH_EVENTS, maxDelayMs = DEFAULT_BATCH_DELAY_MS, ...unknown } = (batch ?? {}) as Record<string, unknown>
  const extra = Object.keys(unknown)[0]
  if (extra !== undefined) throw fail(`unknown batch field "${extra}"; the fields are maxEvents, maxDelayMs`)
  if (!Number.isInteger(maxEvents) || (maxEvents as number) < 1 || (maxEvents as number) > MAX_BATCH_EVENTS) {
    throw fail(`batch.maxEvents must be an integer from 1 to ${MAX_BATCH_EVENTS}, got ${describeValue(maxEvents)}`)
  }
  if (typeof maxDelayMs !== 'number' || !(maxDelayMs >= 0) || !Number.isFinite(maxDelayMs)) throw fail(`batch.maxDelayMs must be a finite number >= 0, got ${describeValue(maxDelayMs)}`)
  return batchMode ? { perRequest: maxEvents as number, maxDelayMs } : { perRequest: 1, maxDelayMs: 0 }
}

/** The filter compiled with the bus's own pattern rules (the kit's one compiler); its problems named for this destination. */
function compileFilter(filter: unknown, fail: (detail: string, cause?: unknown) => BusError): EventTest {
  // One filter per destination: a list is the kit's too, but the stored configuration and the panel show one.
  if (Array.isArray(filter)) throw fail('filter must be { system?, kind? }, not a list')
  try {
    return compileEventFilter(filter as EventFilter | undefined, 'filter')
  } catch (cause) {
    throw fail(cause instanceof Error ? cause.message.replace(/\.$/, '') : String(cause), cause)
  }
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((item) => typeof item === 'string')
}
