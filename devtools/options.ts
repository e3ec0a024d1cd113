import { busError, checkOptions, describeValue, type Bus, type BusError, type ModuleHandle } from '../src/core/index'
// Only the type: an app without destinations loads none of their code for the panel's sake.
import type { Destinations } from '../src/destinations/index'

/** Where the floating button sits; the panel docks to the bottom edge of the page. */
export type DevtoolsPosition = 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left'

/** Light, dark, or whatever the page's `prefers-color-scheme` says. */
export type DevtoolsTheme = 'auto' | 'light' | 'dark'

export interface DevtoolsOptions {
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
  readonly maxBufferBytes?: number
  /** Default `'auto'`. */
  readonly theme?: DevtoolsTheme
  /**
   * What `destinations(bus)` returned, to show a Destinations tab: each destination, its live
   * status, and its dead letters with Retry and Discard. The panel reads and acts through the
   * handle; it never closes it.
   */
  readonly destinations?: Destinations
}

/** What the panel is doing, on `status$`. */
export interface DevtoolsStatus {
  /**
   * `loading` until the panel's UI chunk is in, then `open` or `closed` as the developer toggles it
   * (the button and Alt+Shift+B), and `unmounted` once `close()` was called.
   */
  readonly panel: 'loading' | 'open' | 'closed' | 'unmounted'
  /** Events are being recorded: from the mount until `close()`, open or not. */
  readonly recording: boolean
  /** The table holds new events back (its pause button); they are recorded all the same. */
  readonly paused: boolean
}

/** What the panel has recorded and let go, read with `stats()`. */
export interface DevtoolsStats {
  /** Events recorded since the mount: the bus's, and those loaded from history or a file. */
  readonly recorded: number
  /** Events the table holds now. */
  readonly kept: number
  /** Their estimated size, at most about `maxBufferBytes` (the newest is kept even alone over it). */
  readonly keptBytes: number
  /** Events let go, oldest first, to stay within `maxEvents` and `maxBufferBytes` (cleared ones not counted). */
  readonly forgotten: number
  /** Messages on the devtools side channel (asks, context reports) dropped by its rate limit. */
  readonly dropped: number
  /** Failures seen on `errors$` (the errors tab keeps the latest 500). */
  readonly errors: number
}

/**
 * What `mountDevtools` returns: the one handle shape of crossbus's modules, plus `unmount`, the
 * same as `close`.
 */
export interface DevtoolsHandle extends ModuleHandle<DevtoolsStatus, DevtoolsStats> {
  /** Removes the panel, its listeners and its plugin; the same promise as `close()`. */
  unmount(): Promise<void>
}

export const DEFAULT_MAX_EVENTS = 10_000
export const DEFAULT_MAX_BUFFER_BYTES = 32 * 1024 * 1024
const POSITIONS: readonly DevtoolsPosition[] = ['bottom-right', 'bottom-left', 'top-right', 'top-left']
const THEMES: readonly DevtoolsTheme[] = ['auto', 'light', 'dark']
const KNOWN = ['open', 'position', 'maxEvents', 'maxBufferBytes', 'theme', 'destinations']

/** Options with defaults filled in; refuses what could only be a mistake, naming it. */
export interface CheckedOptions {
  readonly bus: Bus
  readonly open: boolean | undefined
  readonly position: DevtoolsPosition
  readonly maxEvents: number
  readonly maxBufferBytes: number
  readonly theme: DevtoolsTheme
  readonly destinations: Destinations | undefined
}

export function checkDevtoolsOptions(bus: unknown, options: unknown = {}): CheckedOptions {
  if (typeof bus !== 'object' || bus === null || typeof (bus as Partial<Bus>).use !== 'function') {
    throw invalid(`the first argument must be a bus made by createBus (a scoped handle cannot take plugins), got ${describeValue(bus)}`)
  }
  checkOptions(options, KNOWN, 'mountDevtools')
  const { open, position = 'bottom-right', maxEvents = DEFAULT_MAX_EVENTS, maxBufferBytes = DEFAULT_MAX_BUFFER_BYTES, theme = 'auto', destinations } = options as Record<string, unknown>
  if (open !== undefined && typeof open !== 'boolean') throw invalid('`open` must be true or false')
  if (!POSITIONS.includes(position as DevtoolsPosition)) throw invalid(`\`position\` must be one of ${POSITIONS.join(', ')}`)
  if (!Number.isSafeInteger(maxEvents) || (maxEvents as number) < 1) throw invalid('`maxEvents` must be a positive integer')
  if (!Number.isSafeInteger(maxBufferBytes) || (maxBufferBytes as number) < 1) throw invalid('`maxBufferBytes` must be a positive integer')
  if (!THEMES.includes(theme as DevtoolsTheme)) throw invalid(`\`theme\` must be one of ${THEMES.join(', ')}`)
  if (destinations !== undefined && !isDestinations(destinations)) throw invalid('`destinations` must be what destinations(bus) returned (with list, deadLetters and status$)')
  return {
    bus: bus as Bus,
    open,
    position: position as DevtoolsPosition,
    maxEvents: maxEvents as number,
    maxBufferBytes: maxBufferBytes as number,
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
