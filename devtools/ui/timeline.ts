import type { EventRing } from '../ring'
import { button, clockTime, h, replaceChildren } from './dom'
import type { OriginLabels } from './labels'
import { brushRange, columnCounts, laneAt, laneKey, nearestMark, rangeAround, timeAt, xOf, type TimeRange } from './timeline-layout'

export const LANE_HEIGHT = 28
const AXIS_HEIGHT = 18
// How far from a mark (in CSS pixels) a click or a hover still finds it.
const SLOP = 6
const MARK_WIDTH = 2

export interface TimelineInit {
  readonly ring: EventRing
  readonly labels: OriginLabels
  readonly onSelect: (n: number) => void
}

/** One lane: a context (or a bridge), its label, and how many marks it has. */
interface Lane {
  readonly key: string
  readonly label: string
  count: number
}

/**
 * The events as a picture: one lane per context that sent some (tab, worker, frame) or bridge that
 * brought some in, each event a mark at its time. Hovering a mark draws an arrow from its sender to
 * the other contexts of the bus (sync delivers every event to each of them), dragging across the
 * plot zooms to what the brush spans (double-click, or `fit`, shows all again), and clicking a mark
 * opens its detail, as a row of the table does.
 *
 * A canvas, drawn from counts per pixel column (one rectangle per busy column, not one per event),
 * so 100,000 events draw within a frame. The canvas says what it shows for tests and tools:
 * `data-from`/`data-to` (the time range, epoch ms) and `data-marks`; each lane's label is an
 * element with `data-lane` (the context's id) and `data-marks`.
 */
export class TimelineView {
  readonly element: HTMLElement
  private readonly canvas: HTMLCanvasElement
  private readonly laneList: HTMLElement
  private readonly tip: HTMLElement
  private readonly rangeText: HTMLElement
  private rows: readonly number[] = []
  private selected = -1
  private zoom: TimeRange | undefined
  private range: TimeRange = { from: 0, to: 1 }
  private lanes: Lane[] = []
  private counts: Uint32Array = new Uint32Array(0)
  /** The lane of each row (by its index in `rows`), from the last draw. */
  private rowLanes: Uint32Array = new Uint32Array(0)
  private width = 0
  private hovered = -1
  private brushFrom: number | undefined
  private brushTo: number | undefined
  private shown = false
  private resizing: ResizeObserver | undefined

  constructor(private readonly init: TimelineInit) {
    this.canvas = h('canvas', { 'data-testid': 'timeline-canvas', 'aria-label': 'events on a timeline, one lane per context' })
    this.laneList = h('div', { class: 'tl-lanes', 'data-testid': 'lanes' })
    this.tip = h('div', { class: 'tl-tip', hidden: true, 'data-testid': 'timeline-tip' })
    this.rangeText = h('span', { class: 'status', 'data-testid': 'timeline-range' })
    const fit = button('fit', () => this.setZoom(undefined), { title: 'Show every event again (or double-click the plot)', 'data-testid': 'timeline-fit' })
    const plot = h('div', { class: 'tl-plot' }, this.canvas, this.tip)
    this.element = h(
      'div',
      { class: 'timeline', hidden: true, 'data-testid': 'timeline' },
      h('div', { class: 'tl-head' }, h('span', { class: 'status' }, 'drag to zoom · click a mark for its detail'), h('span', { class: 'grow' }), this.rangeText, fit),
      h('div', { class: 'tl-body' }, this.laneList, plot),
    )
    this.listen()
  }

  /** Shows or hides the timeline; it draws only while shown. */
  show(shown: boolean): void {
    this.shown = shown
    this.element.hidden = !shown
    if (shown && typeof ResizeObserver !== 'undefined' && !this.resizing) {
      this.resizing = new ResizeObserver(() => this.draw())
      this.resizing.observe(this.canvas.parentElement!)
    }
    if (!shown) {
      this.resizing?.disconnect()
      this.resizing = undefined
    }
    if (shown) this.draw()
  }

  /** The events to show (row numbers) and the selected one; draws now when shown. */
  setRows(rows: readonly number[], selected: number): void {
    this.rows = rows
    this.selected = selected
    if (this.shown) this.draw()
  }

  /** Lays the rows out in lanes and pixel columns, and paints them. */
  draw(): void {
    const ring = this.init.ring
    const plot = this.canvas.parentElement!
    const width = Math.max(1, Math.floor(plot.clientWidth || 600))
    const { rows } = this
    let min = Number.POSITIVE_INFINITY
    let max = Number.NEGATIVE_INFINITY
    const laneIndex = new Map<string, number>()
    const lanes: Lane[] = []
    const laneOfRow = new Uint32Array(rows.length)
    // Each row's time, read once: the second pass only does arithmetic.
    const xs = new Float64Array(rows.length).fill(Number.NaN)
    // Events come in runs from one sender: the last lane found is tried before the map.
    let lastKey: string | undefined
    let lastLane = 0
    for (let i = 0; i < rows.length; i++) {
      const n = rows[i]!
      const event = ring.event(n)
      if (event === undefined) continue
      const time = event.time
      xs[i] = time
      if (time < min) min = time
      if (time > max) max = time
      const key = laneKey(event.origin, ring.source(n)?.bridge)
      let lane = key === lastKey ? lastLane : laneIndex.get(key)
      if (lane === undefined) {
        lane = lanes.length
        laneIndex.set(key, lane)
        lanes.push({ key, label: key.startsWith('bridge:') ? `bridge ${key.slice(7)}` : this.init.labels.of(key), count: 0 })
      }
      lastKey = key
      lastLane = lane
      lanes[lane]!.count++
      laneOfRow[i] = lane
    }
    this.rowLanes = laneOfRow
    this.range = this.zoom ?? rangeAround(min, max)
    for (let i = 0; i < rows.length; i++) xs[i] = xOf(xs[i]!, this.range, width)
    this.counts = columnCounts(laneOfRow, xs, lanes.length, width)
    this.lanes = lanes
    this.width = width
    this.sayLanes()
    this.paint()
  }

  private sayLanes(): void {
    replaceChildren(
      this.laneList,
      ...this.lanes.map((lane) => h('div', { class: 'tl-lane', title: `${lane.label} · ${lane.key}`, 'data-testid': 'lane', 'data-lane': lane.key, 'data-marks': String(lane.count) }, lane.label)),
    )
    const { from, to } = this.range
    this.rangeText.textContent = this.lanes.length === 0 ? 'no events' : `${clockTime(from)} – ${clockTime(to)}`
    const canvas = this.canvas
    canvas.dataset.from = String(from)
    canvas.dataset.to = String(to)
    canvas.dataset.marks = String(this.lanes.reduce((sum, lane) => sum + lane.count, 0))
  }

  /** Paints the counted columns, the selection, the hovered mark's arrows and the brush. */
  private paint(): void {
    const { canvas, width, lanes, counts } = this
    const ratio = globalThis.devicePixelRatio || 1
    const height = Math.max(1, lanes.length) * LANE_HEIGHT + AXIS_HEIGHT
    canvas.style.width = `${width}px`
    canvas.style.height = `${height}px`
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio)
      canvas.height = Math.round(height * ratio)
    }
    const context = canvas.getContext('2d')
    if (!context) return
    const colors = getComputedStyle(this.element)
    const color = (name: string, fallback: string) => colors.getPropertyValue(name).trim() || fallback
    context.setTransform(ratio, 0, 0, ratio, 0, 0)
    context.clearRect(0, 0, width, height)
    context.fillStyle = color('--line', '#ccc')
    for (let lane = 1; lane <= lanes.length; lane++) context.fillRect(0, lane * LANE_HEIGHT - 0.5, width, 1)
    context.fillStyle = color('--accent', '#2f6fde')
    for (let lane = 0; lane < lanes.length; lane++) {
      const top = lane * LANE_HEIGHT + 6
      const offset = lane * width
      for (let column = 0; column < width; column++) {
        const count = counts[offset + column]!
        if (count === 0) continue
        // Denser columns are taller: one event is a short tick, a burst fills the lane.
        const tall = Math.min(LANE_HEIGHT - 12, 6 + 4 * Math.log2(count + 1))
        context.fillRect(column, top + (LANE_HEIGHT - 12 - tall) / 2, MARK_WIDTH, tall)
      }
    }
    this.paintAxis(context, height)
    if (this.selected >= 0) this.paintMark(this.selected, color('--bad', '#c62828'), false)
    if (this.hovered >= 0) this.paintMark(this.hovered, color('--received', '#7b1fa2'), true)
    if (this.brushFrom !== undefined && this.brushTo !== undefined) {
      context.fillStyle = 'rgba(120,150,255,.2)'
      context.fillRect(Math.min(this.brushFrom, this.brushTo), 0, Math.abs(this.brushTo - this.brushFrom), height - AXIS_HEIGHT)
    }
  }

  private paintAxis(context: CanvasRenderingContext2D, height: number): void {
    const { width, range } = this
    context.fillStyle = getComputedStyle(this.element).getPropertyValue('--muted').trim() || '#666'
    context.font = '10px ui-monospace, monospace'
    const ticks = Math.max(2, Math.floor(width / 120))
    for (let i = 0; i <= ticks; i++) {
      const x = (i / ticks) * width
      const text = clockTime(timeAt(x, range, width))
      const textWidth = context.measureText(text).width
      context.fillText(text, Math.min(Math.max(0, x - textWidth / 2), width - textWidth), height - 5)
    }
  }

  /** The mark of row `n` drawn on top, and (hovered) arrows from its lane to every other context's. */
  private paintMark(n: number, color: string, arrows: boolean): void {
    const event = this.init.ring.event(n)
    const lane = this.laneOfRow(n)
    if (!event || lane < 0) return
    const context = this.canvas.getContext('2d')!
    const x = xOf(event.time, this.range, this.width)
    const middle = lane * LANE_HEIGHT + LANE_HEIGHT / 2
    context.fillStyle = color
    context.strokeStyle = color
    context.fillRect(x - 2, lane * LANE_HEIGHT + 3, 4, LANE_HEIGHT - 6)
    if (!arrows) return
    for (let other = 0; other < this.lanes.length; other++) {
      if (other === lane || !this.receives(this.lanes[other]!.key)) continue
      const target = other * LANE_HEIGHT + LANE_HEIGHT / 2
      const direction = target > middle ? 1 : -1
      context.beginPath()
      context.moveTo(x, middle)
      context.lineTo(x, target - direction * 4)
      context.stroke()
      context.beginPath()
      context.moveTo(x, target)
      context.lineTo(x - 4, target - direction * 6)
      context.lineTo(x + 4, target - direction * 6)
      context.fill()
    }
  }

  /** Contexts of the bus get every event (sync broadcasts); a bridge lane only sends in. */
  private receives(key: string): boolean {
    return !key.startsWith('bridge:') && this.init.labels.has(key)
  }

  private laneOfRow(n: number): number {
    const index = this.rows.indexOf(n)
    return index < 0 || index >= this.rowLanes.length ? -1 : this.rowLanes[index]!
  }

  /** The row number of the mark under (x, y), or -1. */
  private markAt(x: number, y: number): number {
    const lane = laneAt(y, LANE_HEIGHT, this.lanes.length)
    if (lane < 0) return -1
    // The rows of that lane, found when asked (a click, a hover) rather than kept per draw.
    const marks: number[] = []
    for (let i = 0; i < this.rowLanes.length; i++) if (this.rowLanes[i] === lane) marks.push(this.rows[i]!)
    const ring = this.init.ring
    const xs = new Float64Array(marks.length)
    for (let i = 0; i < marks.length; i++) xs[i] = xOf(ring.event(marks[i]!)?.time ?? Number.NaN, this.range, this.width)
    const index = nearestMark(xs, x, SLOP)
    return index < 0 ? -1 : marks[index]!
  }

  private setZoom(range: TimeRange | undefined): void {
    this.zoom = range
    this.draw()
  }

  private listen(): void {
    const canvas = this.canvas
    const point = (event: MouseEvent) => {
      const box = canvas.getBoundingClientRect()
      return { x: event.clientX - box.left, y: event.clientY - box.top }
    }
    canvas.addEventListener('pointerdown', (down) => {
      this.brushFrom = point(down).x
      this.brushTo = undefined
      canvas.setPointerCapture?.(down.pointerId)
    })
    canvas.addEventListener('pointermove', (move) => {
      const { x, y } = point(move)
      if (this.brushFrom !== undefined) {
        this.brushTo = x
        this.paint()
        return
      }
      this.hover(this.markAt(x, y), x, y)
    })
    canvas.addEventListener('pointerup', (up) => {
      const { x, y } = point(up)
      const from = this.brushFrom
      this.brushFrom = undefined
      this.brushTo = undefined
      const zoomed = from === undefined ? undefined : brushRange(from, x, this.range, this.width)
      if (zoomed) return this.setZoom(zoomed)
      const n = this.markAt(x, y)
      if (n >= 0) this.init.onSelect(n)
      else this.paint()
    })
    canvas.addEventListener('pointerleave', () => this.hover(-1, 0, 0))
    canvas.addEventListener('dblclick', () => this.setZoom(undefined))
  }

  private hover(n: number, x: number, y: number): void {
    if (n === this.hovered) return
    this.hovered = n
    const event = n >= 0 ? this.init.ring.event(n) : undefined
    this.tip.hidden = event === undefined
    if (event) {
      const source = this.init.ring.source(n)
      this.tip.textContent = `${this.init.labels.of(event.origin)}${source?.bridge ? ` via ${source.bridge}` : ''} · ${clockTime(event.time)} · ${event.system} · ${event.kind} · ${event.path}`
      this.tip.style.left = `${Math.min(x + 12, Math.max(0, this.width - 260))}px`
      this.tip.style.top = `${y + 12}px`
    }
    this.paint()
  }
}
