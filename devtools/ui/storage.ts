// What the panel remembers between page loads: open or not, and the column widths.
const KEY = 'crossbus-devtools'

export interface Remembered {
  readonly open?: boolean
  readonly widths?: Readonly<Record<string, number>>
}

export function recall(): Remembered {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '{}')
    if (typeof parsed !== 'object' || parsed === null) return {}
    const { open, widths } = parsed as Record<string, unknown>
    const cleanWidths: Record<string, number> = {}
    if (typeof widths === 'object' && widths !== null) {
      for (const [id, width] of Object.entries(widths)) if (typeof width === 'number' && width > 0 && width < 4000) cleanWidths[id] = width
    }
    return { ...(typeof open === 'boolean' ? { open } : {}), widths: cleanWidths }
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
