// What the panel remembers between page loads: open or not, the column widths, where it is docked
// and how large, and how the events are shown.
import { clampDockSize, type Dock } from './dock'

const KEY = 'crossbus-devtools'

export interface Remembered {
  readonly open?: boolean
  readonly widths?: Readonly<Record<string, number>>
  readonly dock?: Dock
  /** The panel's height (docked at the bottom) or width (at the right), in CSS pixels. */
  readonly size?: number
  readonly order?: 'time' | 'arrival'
  readonly picture?: 'table' | 'timeline'
}

export function recall(): Remembered {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '{}')
    if (typeof parsed !== 'object' || parsed === null) return {}
    const { open, widths, dock, size, order, picture } = parsed as Record<string, unknown>
    const cleanWidths: Record<string, number> = {}
    if (typeof widths === 'object' && widths !== null) {
      for (const [id, width] of Object.entries(widths)) if (typeof width === 'number' && width > 0 && width < 4000) cleanWidths[id] = width
    }
    return {
      ...(typeof open === 'boolean' ? { open } : {}),
      widths: cleanWidths,
      ...(dock === 'bottom' || dock === 'right' ? { dock } : {}),
      ...(typeof size === 'number' && Number.isFinite(size) ? { size: clampDockSize(size, 100_000) } : {}),
      ...(order === 'time' || order === 'arrival' ? { order } : {}),
      ...(picture === 'table' || picture === 'timeline' ? { picture } : {}),
    }
  } catch {
    // Storage disabled (private mode, sandboxed frame) or garbage: start afresh.
    return {}
  }
}

export function remember(change: Remembered): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ ...recall(), ...change }))
  } catch {
    // Nothing to do: the panel works, it just forgets.
  }
}
