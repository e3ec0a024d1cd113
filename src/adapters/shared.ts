// What crossbus/react and crossbus/vue have in common: the options their providers, hooks and
// composables take, the list of latest events both keep, and the error for a missing provider.
// Each adapter adds only what its framework needs (an external store for React, refs for Vue).
import { busError, type BusError, type BusEvent, type BusHandle, type EventMap, type EventOf, type Policy, type ReplaySpec, type SystemOf } from '../core/index'
import { hooksError } from './errors'

/** Any event of the systems `S`: one union member per system, so a ref of several systems works. */
export type SystemEvent<E extends EventMap, S extends SystemOf<E>> = S extends unknown ? EventOf<E, S> : never

/** What a provider (React's `BusProvider`, Vue's `createBusPlugin` and `provideBus`) may add to its bus. */
export interface ProviderOptions {
  /**
   * Give the components below `bus.scope(policy)` rather than `bus`, made once: React's
   * `BusProvider` makes another only for another bus or policy (other rules, another function),
   * never for an equal policy written inline.
   */
  readonly policy?: Policy
}

/** The handle a provider gives: `bus`, or `bus.scope(policy)` when there is a policy. */
export function scopedHandle<E extends EventMap>(bus: BusHandle<E>, policy: Policy | undefined): BusHandle<E> {
  return policy === undefined ? bus : bus.scope(policy)
}

/** `useEvents(pattern, kind?, options)`. */
export interface UseEventsOptions {
  /** How many of the latest matching events to keep (oldest first). Default 100; `Infinity` keeps all. */
  readonly limit?: number
  /** Start with matching history (on a bus created with `replay`), then live events. */
  readonly replay?: ReplaySpec
}

/** `useLatestEvent(pattern, kind?, options)`. */
export interface UseLatestEventOptions {
  /** Start from history (on a bus created with `replay`); `1` shows the last stored event at once. */
  readonly replay?: ReplaySpec
}

export const DEFAULT_LIMIT = 100

/** What a hook or composable shows before the first event, and on the server. */
export const NO_EVENTS: readonly BusEvent[] = Object.freeze([])

/** The `limit` option with its default; throws `INVALID_ARGUMENT` unless a positive integer or `Infinity`. */
export function limitOf(options: UseEventsOptions): number {
  const limit = options.limit ?? DEFAULT_LIMIT
  if (limit === Infinity || (Number.isInteger(limit) && limit > 0)) return limit
  throw busError('INVALID_ARGUMENT', `limit must be a positive integer or Infinity, got ${String(limit)}.`)
}

/** The latest events of a subscription, oldest first (see {@link keepLatest}). */
export interface LatestEvents {
  push(event: BusEvent): void
  clear(): void
  /** The kept events; the same array until the next `push` or `clear`. */
  snapshot(): readonly BusEvent[]
}

/**
 * Keeps the last `limit` events. Appending is in place and trimming happens in batches (at twice
 * the limit); the snapshot a framework renders is copied at most once per change, so a burst of
 * events in one tick costs one copy when it is read, not one per event.
 */
export function keepLatest(limit: number): LatestEvents {
  let buffer: BusEvent[] = []
  let snapshot: readonly BusEvent[] | undefined = NO_EVENTS
  return {
    push(event) {
      buffer.push(event)
      if (buffer.length >= 2 * limit) buffer = buffer.slice(-limit)
      snapshot = undefined
    },
    clear() {
      buffer = []
      snapshot = NO_EVENTS
    },
    snapshot() {
      snapshot ??= buffer.length > limit ? buffer.slice(-limit) : buffer.slice()
      return snapshot
    },
  }
}

/**
 * The error `useBus()` throws where no bus was given; `needs` says, in the framework's terms,
 * what to add.
 *
 * @example
 * throw noBusProvider('hooks need a <BusProvider bus={bus}> above the component.')
 */
export function noBusProvider(needs: string): BusError {
  return hooksError('HOOKS_NO_BUS_PROVIDER', `useBus() and the crossbus ${needs}`)
}
