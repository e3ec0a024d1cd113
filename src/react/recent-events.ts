import type { BusHandle } from '../core/bus'
import { invalid } from '../core/errors'
import type { BusEvent } from '../core/event'
import type { BusSubscription } from '../core/subscription'
import type { ReplaySpec } from '../replay/index'

/** What `useEvents` keeps. */
export interface RecentEventsOptions {
  /** How many of the latest matching events to keep (oldest first). Default 100; `Infinity` keeps all. */
  readonly limit?: number
  /** Start with matching history (on a bus created with `replay`), then live events. */
  readonly replay?: ReplaySpec
}

/** The last events of one subscription, as an external store for `useSyncExternalStore`. */
export interface RecentEvents {
  subscribe(onChange: () => void): () => void
  getSnapshot(): readonly BusEvent[]
}

export const DEFAULT_LIMIT = 100
export const NO_EVENTS: readonly BusEvent[] = Object.freeze([])

/**
 * Keeps the last `limit` events of `bus.subscribe(pattern, kind)` outside React, so a burst of
 * events in one tick is all kept and React reads it once, instead of each `setState` of the
 * burst racing the others. The bus subscription lives while React listens; it is opened on the
 * first listener and closed with the last, which keeps StrictMode's subscribe, unsubscribe,
 * subscribe without a leak. Nothing happens at creation, so a render React throws away costs nothing.
 */
export function createRecentEvents(
  bus: BusHandle,
  pattern: string,
  kind: string | undefined,
  options: RecentEventsOptions,
): RecentEvents {
  const limit = checkLimit(options.limit ?? DEFAULT_LIMIT)
  const listeners = new Set<() => void>()
  // Appended in place and trimmed in batches; a snapshot is copied at most once per change.
  let buffer: BusEvent[] = []
  let snapshot: readonly BusEvent[] | undefined = NO_EVENTS
  let subscription: BusSubscription | undefined

  const receive = (event: BusEvent) => {
    buffer.push(event)
    if (buffer.length >= 2 * limit) buffer = buffer.slice(-limit)
    snapshot = undefined
    for (const listener of [...listeners]) listener()
  }

  return {
    subscribe(onChange) {
      listeners.add(onChange)
      if (!subscription) {
        // Replay delivers history again on every subscription: start from it, not on top of it.
        if (options.replay !== undefined && buffer.length > 0) {
          buffer = []
          snapshot = undefined
        }
        subscription = bus.subscribe(pattern, kind, { replay: options.replay })
        subscription.subscribe(receive)
      }
      return () => {
        listeners.delete(onChange)
        if (listeners.size === 0) {
          subscription?.close()
          subscription = undefined
        }
      }
    },
    getSnapshot() {
      snapshot ??= buffer.length > limit ? buffer.slice(-limit) : buffer.slice()
      return snapshot
    },
  }
}

/** A stable key for a replay spec, so `{ since }` written inline doesn't resubscribe every render. */
export function replayKey(replay: ReplaySpec | undefined): string {
  if (replay === undefined) return ''
  return typeof replay === 'object' && replay !== null ? `since:${replay.since}` : String(replay)
}

function checkLimit(limit: number): number {
  if (limit === Infinity || (Number.isInteger(limit) && limit > 0)) return limit
  throw invalid('INVALID_ARGUMENT', `limit must be a positive integer or Infinity, got ${String(limit)}.`)
}
