// Where the floating panel sits and how large it is: the arithmetic, apart from the DOM.

/** The edge of the page the floating panel is docked to. */
export type Dock = 'bottom' | 'right'

/** The smallest the panel gets (tall or wide enough for its bar and a few rows). */
export const MIN_DOCK_SIZE = 160
/** Room left for the page beside the panel, at least. */
const PAGE_ROOM = 40
/** Below this viewport width a right dock would leave no room for either: the panel docks at the bottom. */
export const NARROW_VIEWPORT = 600

/** `size` kept between the smallest panel and the viewport (`room`: its height or width) less a strip of page. */
export function clampDockSize(size: number, room: number): number {
  const most = Math.max(MIN_DOCK_SIZE, room - PAGE_ROOM)
  return Math.round(Math.min(most, Math.max(MIN_DOCK_SIZE, size)))
}

/** The dock in effect: a right dock on a narrow screen (a phone, 390 px) is shown at the bottom. */
export function effectiveDock(dock: Dock, viewportWidth: number): Dock {
  return dock === 'right' && viewportWidth < NARROW_VIEWPORT ? 'bottom' : dock
}

/**
 * The size after dragging the panel's edge from `start` to `now` (pointer coordinates along the
 * dock's axis): the edge follows the pointer, so dragging toward the page's middle grows the panel.
 */
export function draggedSize(startSize: number, start: number, now: number, room: number): number {
  return clampDockSize(startSize + (start - now), room)
}
