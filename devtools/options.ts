import { BusError, busError, type Bus, type EventMap } from '../src/core/index'
// Only the type: an app without destinations loads none of their code for the panel's sake.
import type { Destinations } from '../src/destinations/types'

/** Where the floating button sits; the panel docks to the bottom edge of the page. */
export type DevtoolsPosition = 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left'

/** Light, dark, or whatever the page's `prefers-color-scheme` says. */
export type DevtoolsTheme = 'auto' | 'light' | 'dark'

export interface DevtoolsOptions<E extends EventMap = EventMap> {
  /** The bus to observe. The panel attaches a plugin to it (`bus.use`); it never subscribes. */
  readonly bus: Bus<E>
  /** Open the panel at once. Default: as the developer left it last time (closed the first time). */
  readonly open?: boolean
  /** Where the toggle button sits. Default `'bottom-right'`. */
  readonly position?: DevtoolsPosition
  /** How many events the table keeps, oldest dropped first. Default 10,000. */
  readonly maxEvents?: number
  /**
   * About how many bytes of events the table keeps (their data and strings, estimated roughly as
   * their JSON size), oldest dropped first, so a flood of large events cannot hold gigabytes.
   * Default 32 MiB.
   */
  readonly maxBytes?: number
  /** Default `'auto'`. */
  readonly theme?: DevtoolsTheme
  /**
   * What `destinations(bus)` returned, to show a Destinations tab: each destination, its live
   * status, and its dead letters with Retry and Discard. The panel reads and acts through the
   * handle; it never closes it.
   */
  readonly destinations?: Destinations
}

/** What `mountDevtools` returns. */
export interface MountedDevtools {
  /** Removes the panel, its listeners and its plugin. Idempotent. */
  unmount(): void
}

export const DEFAULT_MAX_EVENTS = 10_000
export const DEFAULT_MAX_BYTES = 32 * 1024 * 1024
const POSITIONS: readonly DevtoolsPosition[] = ['bottom-right', 'bottom-left', 'top-right', 'top-left']
const THEMES: readonly DevtoolsTheme[] = ['auto', 'light', 'dark']
const KNOWN = new Set(['bus', 'open', 'position', 'maxEvents', 'maxBytes', 'theme', 'destinations'])

/** Options with defaults filled in; refuses what could only be a mistake, naming it. */
export interface CheckedOptions {
  readonly bus: Bus
  readonly open: boolean | undefined
  readonly position: DevtoolsPosition
  readonly maxEvents: number
  readonly maxBytes: number
  readonly theme: DevtoolsTheme
  readonly destinations: Destinations | undefined
}

export function checkDevtoolsOptions(options: unknown): CheckedOptions {
  if (typeof options !== 'object' || options === null) throw invalid('expected an options object such as { bus }')
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) throw invalid(`unknown option "${key}" (known: ${[...KNOWN].join(', ')})`)
  const { bus, open, position = 'bottom-right', maxEvents = DEFAULT_MAX_EVENTS, maxBytes = DEFAULT_MAX_BYTES, theme = 'auto', destinations } = options as Record<string, unknown>
  if (typeof bus !== 'object' || bus === null || typeof (bus as Partial<Bus>).use !== 'function') throw invalid('`bus` must be a bus made by createBus (a scoped handle cannot take plugins)')
  if (open !== undefined && typeof open !== 'boolean') throw invalid('`open` must be true or false')
  if (!POSITIONS.includes(position as DevtoolsPosition)) throw invalid(`\`position\` must be one of ${POSITIONS.join(', ')}`)
  if (!Number.isSafeInteger(maxEvents) || (maxEvents as number) < 1) throw invalid('`maxEvents` must be a positive integer')
  if (!Number.isSafeInteger(maxBytes) || (maxBytes as number) < 1) throw invalid('`maxBytes` must be a positive integer')
  if (!THEMES.includes(theme as DevtoolsTheme)) throw invalid(`\`theme\` must be one of ${THEMES.join(', ')}`)
  if (destinations !== undefined && !isDestinations(destinations)) throw invalid('`destinations` must be what destinations(bus) returned (with list, deadLetters and status$)')
  return {
    bus: bus as Bus,
    open,
    position: position as DevtoolsPosition,
    maxEvents: maxEvents as number,
    maxBytes: maxBytes as number,
    theme: theme as DevtoolsTheme,
    destinations: destinations as Destinations | undefined,
  }
}

function isDestinations(value: unknown): value is Destinations {
  if (typeof value !== 'object' || value === null) return false
  const { list, deadLetters, status$ } = value as Partial<Record<keyof Destinations, unknown>>
  return typeof list === 'function' && typeof deadLetters === 'function' && typeof (status$ as { subscribe?: unknown } | undefined)?.subscribe === 'function'
}

function invalid(why: string): BusError {
  return busError('INVALID_ARGUMENT', `mountDevtools: ${why}.`)
}

/** Thrown where there is no page to mount into (SSR, a worker). */
export function noDocument(): BusError {
  return new BusError({ kind: 'UNAVAILABLE', code: 'NO_DOCUMENT', retryable: false, message: 'mountDevtools needs a page (document); in a worker or on the server, attach devtoolsAgent() instead.' })
}
