import { fromCloudEventBatch, toCloudEventBatch } from '../../src/cloudevents/index'
import { BusError, type Bus } from '../../src/core/index'
import { compileFilter, type CompiledFilter, type FilterState } from '../filter'
import { problemOf } from '../format'
import type { Recorder } from '../recorder'
import { renderDetail } from './detail'
import { button, clockTime, formatBytes, h, replaceChildren } from './dom'
import type { OriginLabels } from './labels'
import { OriginChoices } from './origin-choices'
import type { Rates } from './rates'
import { VirtualTable, type Column } from './table'
import { sortByTime, timeKey } from './order'
import { TimelineView } from './timeline'

/** How the table lists events: by their time (default), or in the order they arrived here. */
export type EventOrder = 'time' | 'arrival'
/** The two pictures of the same filtered events. */
export type EventsPicture = 'table' | 'timeline'

export interface EventsViewInit {
  readonly bus: Bus
  readonly recorder: Recorder
  readonly labels: OriginLabels
  readonly rates: Rates
  readonly filter: FilterState
  readonly widths: Readonly<Record<string, number>>
  readonly onFilterChange: (filter: FilterState) => void
  readonly onWidthsChange: (widths: Record<string, number>) => void
  /** The pause button was pressed (true) or released. */
  readonly onPause: (paused: boolean) => void
  /** Default `'time'`. */
  readonly order?: EventOrder
  /** Default `'table'`. */
  readonly picture?: EventsPicture
  /** The order or the picture was changed (to remember them). */
  readonly onViewChange?: (view: { order: EventOrder; picture: EventsPicture }) => void
}

/**
 * The events tab: the filter bar, the live table, the detail of the selected event, and the
 * actions on the table (pause, clear, history, export, import).
 */
export class EventsView {
  readonly toolbar: HTMLElement
  readonly element: HTMLElement
  private readonly table: VirtualTable
  private readonly timeline: TimelineView
  private order: EventOrder
  private picture: EventsPicture
  /** The oldest record number `visible` may hold (forgotten ones are dropped when it moves). */
  private floor = 0
  /**
   * Whether every record looked at so far came in time order (the usual case: one sender, or
   * senders on one clock): then any subset in arrival order is in time order too, and a filter
   * change needs no sort. `latest` is the latest time seen while that holds.
   */
  private inTimeOrder = true
  private latest = Number.NEGATIVE_INFINITY
  private readonly detail: HTMLElement
  private readonly status: HTMLElement
  private readonly origins: OriginChoices
  private readonly inputs: Record<Exclude<keyof FilterState, 'origin'>, HTMLInputElement>
  private visible: number[] = []
  /** Records numbered below this one have been looked at (counted, filtered). */
  private processed = 0
  private paused = false
  private selected = -1
  private filter: CompiledFilter
  private problem: string | undefined

  constructor(private readonly init: EventsViewInit) {
    const { recorder, labels } = init
    const columns: Column[] = [
      { id: 'time', title: 'time', width: 100, text: (r) => clockTime(r.event.time), says: "When the event was sent, on the sender's clock" },
      { id: 'arrival', title: 'how', width: 72, text: (r) => r.arrival, className: (r) => `how how-${r.arrival}`, says: 'How it got here: sent here, received from another context, injected by a bridge, replayed from history, imported from a file' },
      { id: 'system', title: 'system', width: 120, text: (r) => r.event.system, says: 'The system the event belongs to (subscriptions match it with globs)' },
      { id: 'kind', title: 'kind', width: 140, text: (r) => r.event.kind, says: 'What happened' },
      { id: 'path', title: 'path', width: 150, text: (r) => r.event.path, says: 'What it happened to' },
      { id: 'origin', title: 'origin', width: 100, text: (r) => labels.of(r.event.origin), says: 'The context that sent it: its kind and the start of its bus instance id, the same in every viewer' },
      { id: 'seq', title: 'seq', width: 56, text: (r) => String(r.event.seq), says: "The event's number among its sender's events" },
      { id: 'size', title: 'size', width: 64, text: (r) => formatBytes(Math.round(r.bytes)), says: 'About how many bytes it holds, as counted against maxBufferBytes' },
    ]
    this.table = new VirtualTable(columns, init.widths, (n) => recorder.events.record(n), (n) => this.select(n), init.onWidthsChange)
    this.timeline = new TimelineView({ ring: recorder.events, labels, onSelect: (n) => this.select(n) })
    this.order = init.order ?? 'time'
    this.picture = init.picture ?? 'table'
    const orderChoice = h('select', { 'aria-label': 'order', title: 'List events by their time, or in the order they arrived here', 'data-testid': 'order' }, h('option', { value: 'time' }, 'by time'), h('option', { value: 'arrival' }, 'by arrival'))
    orderChoice.value = this.order
    orderChoice.addEventListener('change', () => {
      this.order = orderChoice.value === 'arrival' ? 'arrival' : 'time'
      this.applyFilter()
      this.viewChanged()
    })
    const pictures = (['table', 'timeline'] as const).map((picture) =>
      button(picture, () => this.showPicture(picture), { 'data-testid': `picture-${picture}`, 'aria-pressed': String(picture === this.picture), 'data-picture': picture }),
    )
    this.pictureButtons = pictures
    const input = (field: Exclude<keyof FilterState, 'origin'>, placeholder: string) => {
      const element = h('input', { class: `f-${field}`, placeholder, value: init.filter[field], 'aria-label': `${field} filter`, 'data-testid': `filter-${field}` })
      element.addEventListener('input', () => this.applyFilter())
      return element
    }
    this.inputs = { system: input('system', 'system glob'), kind: input('kind', 'kind glob'), path: input('path', 'path contains'), text: input('text', 'text in data') }
    this.origins = new OriginChoices(labels, init.filter.origin)
    this.origins.element.addEventListener('change', () => this.applyFilter())
    this.status = h('span', { class: 'status', 'data-testid': 'events-status' })
    const importInput = h('input', { type: 'file', hidden: true, 'data-testid': 'import-file' })
    importInput.accept = 'application/json,.json'
    importInput.addEventListener('change', () => {
      const file = importInput.files?.[0]
      importInput.value = ''
      if (file) void file.text().then((text) => this.importText(text))
    })
    const pause = button('pause', () => {
      this.paused = !this.paused
      pause.textContent = this.paused ? 'resume' : 'pause'
      pause.setAttribute('aria-pressed', String(this.paused))
      init.onPause(this.paused)
      this.pull()
    }, { 'data-testid': 'pause', 'aria-pressed': 'false' })
    this.toolbar = h(
      'div',
      { class: 'bar' },
      ...this.pictureButtons,
      this.inputs.system, this.inputs.kind, this.inputs.path, this.origins.element, this.inputs.text,
      orderChoice,
      pause,
      button('clear', () => this.clear(), { 'data-testid': 'clear' }),
      button('history', () => void this.loadHistory(), { 'data-testid': 'history', title: "Load the bus's stored history into the table" }),
      button('export', () => this.exportVisible(), { 'data-testid': 'export', title: 'The visible events as a CloudEvents batch JSON file' }),
      button('import', () => importInput.click(), { 'data-testid': 'import', title: 'A CloudEvents batch JSON file into the table' }),
      importInput,
      this.status,
    )
    this.detail = h('div', { class: 'detail', hidden: true })
    this.element = h('div', { class: 'main' }, this.table.element, this.timeline.element, this.detail)
    this.filter = compileFilter(this.filterState())
    this.problem = this.filter.problem
    this.showPicture(this.picture, false)
  }

  private readonly pictureButtons: HTMLButtonElement[]

  private showPicture(picture: EventsPicture, tell = true): void {
    this.picture = picture
    for (const pictureButton of this.pictureButtons) pictureButton.setAttribute('aria-pressed', String(pictureButton.dataset.picture === picture))
    this.table.element.hidden = picture !== 'table'
    this.timeline.show(picture === 'timeline')
    this.showSelection()
    if (tell) this.viewChanged()
  }

  private viewChanged(): void {
    this.init.onViewChange?.({ order: this.order, picture: this.picture })
  }

  /** Looks at the records that arrived since the last frame (unless paused) and shows those that match. */
  pull(): void {
    const ring = this.init.recorder.events
    const first = ring.first
    if (first > this.floor) this.dropForgotten(first)
    if (this.processed < first) this.processed = first
    const end = this.paused ? this.processed : ring.end
    const { rates } = this.init
    const { origins } = this
    const test = this.filter.test
    rates.advance()
    for (let n = this.processed; n < end; n++) {
      const event = ring.event(n)!
      rates.count(event.system)
      origins.see(event.origin)
      const time = timeKey(event.time)
      if (time >= this.latest) this.latest = time
      else this.inTimeOrder = false
      if (test(event)) this.insert(n, time)
    }
    this.processed = end
    this.show()
  }

  /** Adds row `n` to the visible ones, in time order when sorting by time (events mostly come in order: the end is checked first). */
  private insert(n: number, time: number): void {
    const { visible } = this
    const ring = this.init.recorder.events
    if (this.order === 'arrival' || visible.length === 0 || !(timeKey(ring.event(visible[visible.length - 1]!)!.time) > time)) {
      visible.push(n)
      return
    }
    let low = 0
    let high = visible.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if (timeKey(ring.event(visible[mid]!)!.time) <= time) low = mid + 1
      else high = mid
    }
    visible.splice(low, 0, n)
  }

  /** Drops the visible rows the ring let go (below `first`). */
  private dropForgotten(first: number): void {
    this.floor = first
    const { visible } = this
    if (this.order === 'arrival') {
      if (visible.length > 0 && visible[0]! < first) visible.splice(0, firstAtLeast(visible, first))
      return
    }
    let kept = 0
    for (let i = 0; i < visible.length; i++) if (visible[i]! >= first) visible[kept++] = visible[i]!
    visible.length = kept
  }

  /** Re-renders the rows (after labels changed). */
  refresh(): void {
    this.origins.relabel()
    if (this.picture === 'table') this.table.render()
    else this.timeline.draw()
  }

  private applyFilter(): void {
    const state = this.filterState()
    this.filter = compileFilter(state)
    this.problem = this.filter.problem
    const ring = this.init.recorder.events
    const visible: number[] = []
    const test = this.filter.test
    for (let n = ring.first; n < this.processed; n++) if (test(ring.event(n)!)) visible.push(n)
    if (this.order === 'time' && !this.inTimeOrder) sortByTime(visible, (n) => timeKey(ring.event(n)!.time))
    this.visible = visible
    this.show()
    this.init.onFilterChange(state)
  }

  private filterState(): FilterState {
    const { system, kind, path, text } = this.inputs
    return { system: system.value, kind: kind.value, path: path.value, origin: this.origins.element.value, text: text.value }
  }

  private show(): void {
    if (this.picture === 'table') this.table.setRows(this.visible, this.selected)
    else this.timeline.setRows(this.visible, this.selected)
    const ring = this.init.recorder.events
    const held = ring.end - this.processed
    this.status.classList.toggle('bad', this.problem !== undefined)
    this.status.textContent =
      this.problem ?? `${this.visible.length} of ${ring.size} event${ring.size === 1 ? '' : 's'}${held > 0 ? `, ${held} held while paused` : ''}`
  }

  private select(n: number): void {
    const record = this.init.recorder.events.record(n)
    if (!record) return
    this.selected = n
    this.detail.hidden = false
    replaceChildren(
      this.detail,
      h('div', { class: 'bar' }, h('span', { class: 'grow' }, `${record.event.system} · ${record.event.kind}`), button('×', () => this.deselect(), { title: 'Close the detail', 'data-testid': 'close-detail' })),
      renderDetail(record, {
        labelOf: (origin) => this.init.labels.of(origin),
        // Through the bus itself: its policy and plugins' checks apply, the panel has no bypass.
        send: (system, kind, path, data) => this.init.bus.send(system, kind, path, data),
      }),
    )
    this.showSelection()
  }

  private showSelection(): void {
    if (this.picture === 'table') this.table.setRows(this.visible, this.selected)
    else this.timeline.setRows(this.visible, this.selected)
  }

  private deselect(): void {
    this.selected = -1
    this.detail.hidden = true
    this.detail.textContent = ''
    this.showSelection()
  }

  private clear(): void {
    this.init.recorder.events.clear()
    this.init.rates.clear()
    this.processed = this.init.recorder.events.end
    this.visible = []
    this.inTimeOrder = true
    this.latest = Number.NEGATIVE_INFINITY
    this.deselect()
    this.show()
  }

  /** Adds the bus's stored history to the table (what it shows already is not added twice). */
  async loadHistory(): Promise<void> {
    try {
      const events = await this.init.bus.history('**')
      // What the table already shows live is not added twice.
      const ring = this.init.recorder.events
      const shown = new Set<string>()
      for (let n = ring.first; n < ring.end; n++) shown.add(ring.event(n)!.id)
      const missing = events.filter((event) => !shown.has(event.id))
      for (const event of missing) this.init.recorder.add(event, { arrival: 'replayed', from: event.origin, bridge: undefined })
      this.say(`${missing.length} event${missing.length === 1 ? '' : 's'} loaded from history (${events.length - missing.length} already shown)`)
    } catch (error) {
      this.say(error instanceof BusError ? `${error.code}: ${error.message}` : String(error), true)
    }
  }

  private exportVisible(): void {
    const ring = this.init.recorder.events
    const events = this.visible.map((n) => ring.event(n)!)
    let json: string
    try {
      json = JSON.stringify(toCloudEventBatch(events), null, 2)
    } catch (error) {
      this.say(problemOf(error), true)
      return
    }
    const url = URL.createObjectURL(new Blob([json], { type: 'application/cloudevents-batch+json' }))
    const link = h('a', {})
    link.href = url
    link.download = `crossbus-${this.init.bus.name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`
    link.click()
    setTimeout(() => URL.revokeObjectURL(url), 10_000)
    this.say(`${events.length} event${events.length === 1 ? '' : 's'} exported`)
  }

  private importText(text: string): void {
    try {
      // One bad item refuses the whole file, so nothing is half-imported.
      const events = fromCloudEventBatch(JSON.parse(text))
      for (const event of events) this.init.recorder.add(event, { arrival: 'imported', from: event.origin, bridge: undefined })
      this.say(`${events.length} event${events.length === 1 ? '' : 's'} imported`)
    } catch (error) {
      this.say(`Nothing imported: ${error instanceof Error ? error.message : String(error)}`, true)
    }
  }

  private say(message: string, bad = false): void {
    this.problem = bad ? message : undefined
    this.status.classList.toggle('bad', bad)
    this.status.textContent = message
    this.status.title = message
  }

}

/** The index of the first number >= `n` in an ascending list. */
function firstAtLeast(list: readonly number[], n: number): number {
  let low = 0
  let high = list.length
  while (low < high) {
    const mid = (low + high) >>> 1
    if (list[mid]! < n) low = mid + 1
    else high = mid
  }
  return low
}
