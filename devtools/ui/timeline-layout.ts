// The timeline's arithmetic, apart from the canvas so it can be tested without a browser: where
// a time falls on the x axis, which lane a mark is in, and which mark a pointer is nearest.

/** A span of event times shown across the plot, epoch milliseconds, `from < to`. */
export interface TimeRange {
  readonly from: number
  readonly to: number
}

/** The range that holds every time in `[min, max]`, with a little room either side so end marks are not cut in half. */
export function rangeAround(min: number, max: number): TimeRange {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) return { from: 0, to: 1 }
  // A single instant (one event, or a burst in one millisecond) still gets a second to sit in.
  const span = Math.max(max - min, 1000)
  const pad = span * 0.02
  const middle = max === min ? min : undefined
  return middle === undefined ? { from: min - pad, to: max + pad } : { from: middle - span / 2, to: middle + span / 2 }
}

/** The x of `time` on a plot `width` pixels wide showing `range` (outside the range: outside 0..width). */
export function xOf(time: number, range: TimeRange, width: number): number {
  return ((time - range.from) / (range.to - range.from)) * width
}

/** The time at pixel `x` of a plot `width` wide showing `range`. */
export function timeAt(x: number, range: TimeRange, width: number): number {
  return range.from + (x / width) * (range.to - range.from)
}

/** The range between two pixels of a brush (either order), or `undefined` when the brush is narrower than `minPixels` (a click). */
export function brushRange(x0: number, x1: number, range: TimeRange, width: number, minPixels = 4): TimeRange | undefined {
  if (Math.abs(x1 - x0) < minPixels) return undefined
  const left = Math.max(0, Math.min(x0, x1))
  const right = Math.min(width, Math.max(x0, x1))
  if (right - left < 1) return undefined
  return { from: timeAt(left, range, width), to: timeAt(right, range, width) }
}

/** The lane a pixel row `y` falls in, or -1 outside every lane. */
export function laneAt(y: number, laneHeight: number, lanes: number): number {
  const lane = Math.floor(y / laneHeight)
  return lane >= 0 && lane < lanes ? lane : -1
}

/**
 * What a lane is keyed by: the context that sent the event, or the bridge that brought it into
 * the origin (its events have an origin outside, so they would otherwise share one lane).
 */
export function laneKey(origin: string, bridge: string | undefined): string {
  return bridge === undefined ? origin : `bridge:${bridge}`
}

/**
 * Of the marks at pixels `xs` (index i is candidate i), the index of the one nearest `x`
 * within `slop` pixels, or -1. Ties go to the later one (drawn on top).
 */
export function nearestMark(xs: ArrayLike<number>, x: number, slop: number): number {
  let best = -1
  let bestDistance = slop
  for (let i = 0; i < xs.length; i++) {
    const distance = Math.abs(xs[i]! - x)
    if (distance <= bestDistance) {
      best = i
      bestDistance = distance
    }
  }
  return best
}

/**
 * Counts marks per pixel column of each lane: drawing one rectangle per busy column (not one
 * per event) is what lets 100,000 events draw within a frame. `counts[lane * width + column]`.
 */
export function columnCounts(laneOfMark: ArrayLike<number>, xOfMark: ArrayLike<number>, lanes: number, width: number): Uint32Array<ArrayBuffer> {
  const counts = new Uint32Array(Math.max(0, lanes * width))
  for (let i = 0; i < laneOfMark.length; i++) {
    const column = Math.floor(xOfMark[i]!)
    if (column < 0 || column >= width) continue
    counts[laneOfMark[i]! * width + column]!++
  }
  return counts
}
