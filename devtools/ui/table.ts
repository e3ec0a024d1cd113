import type { DevtoolsRecord } from '../records'
import { h } from './dom'
import { cellText, tooltipText } from './long-text'
import { ROW_HEIGHT } from './styles'

export interface Column {
  readonly id: string
  readonly title: string
  readonly width: number
  readonly text: (record: DevtoolsRecord) => string
  readonly className?: (record: DevtoolsRecord) => string
  /** What the column shows, for its header's tooltip. */
  readonly says?: string
}

// Rows rendered beyond the visible ones, so a small scroll shows rows already built.
const OVERSCAN = 8
const MIN_WIDTH = 36

/**
 * A virtualized table: however many rows match, only the visible ones (plus a few) exist in the
 * DOM, reused as the table scrolls. It holds row numbers, not records, and looks each record up.
 * While scrolled to the bottom it follows new rows, like a terminal.
 */
export class VirtualTable {
  readonly element: HTMLElement
  private readonly scroller: HTMLElement
  private readonly spacer: HTMLElement
  private readonly layer: HTMLElement
  private readonly pool: HTMLElement[] = []
  private rows: readonly number[] = []
  private selected = -1
  private follow = true
  private widths: number[]

  constructor(
    private readonly columns: readonly Column[],
    widths: Readonly<Record<string, number>>,
    private readonly lookup: (n: number) => DevtoolsRecord | undefined,
    private readonly onSelect: (n: number) => void,
    private readonly onResize: (widths: Record<string, number>) => void,
  ) {
    this.widths = columns.map((column) => widths[column.id] ?? column.width)
    // The header scrolls sideways with the rows (sticky on top), so narrow panels keep every column.
    const head = h('div', { class: 'thead', role: 'row' }, ...columns.map((column, i) => this.headerCell(column, i)))
    this.layer = h('div', { class: 'rows', role: 'rowgroup' })
    this.spacer = h('div', { class: 'spacer' }, this.layer)
    this.scroller = h('div', { class: 'scroll', 'data-testid': 'rows' }, head, this.spacer)
    this.element = h('div', { class: 'table', role: 'table' }, this.scroller)
    this.applyWidths()
    this.scroller.addEventListener('scroll', () => {
      this.follow = this.scroller.scrollTop + this.scroller.clientHeight >= this.scroller.scrollHeight - ROW_HEIGHT
      this.render()
    })
    this.layer.addEventListener('click', (event) => {
      const row = (event.target as Element).closest('.row') as HTMLElement | null
      if (row?.dataset.n) this.onSelect(Number(row.dataset.n))
    })
  }

  /** The rows to show (record numbers, in order); renders at once. */
  setRows(rows: readonly number[], selected: number): void {
    this.rows = rows
    this.selected = selected
    this.spacer.style.height = `${rows.length * ROW_HEIGHT}px`
    // The layer of rows, still placed for the old rows, would hold the old scroll height (and the
    // scroll position with it, past the new rows: nothing would show). Back to the top first.
    this.layer.style.transform = ''
    if (this.follow) this.scroller.scrollTop = this.scroller.scrollHeight
    this.render()
  }

  /** Builds the rows in view from the pool. */
  render(): void {
    const top = this.scroller.scrollTop
    const height = this.scroller.clientHeight || ROW_HEIGHT * 20
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN)
    const last = Math.min(this.rows.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN)
    const count = Math.max(0, last - first)
    while (this.pool.length < count) {
      const row = h('div', { class: 'row', role: 'row' }, ...this.columns.map(() => h('span', { class: 'cell', role: 'cell' })))
      this.pool.push(row)
      this.layer.appendChild(row)
    }
    this.layer.style.transform = `translateY(${first * ROW_HEIGHT}px)`
    for (let i = 0; i < this.pool.length; i++) {
      const row = this.pool[i]!
      const n = this.rows[first + i]
      const record = i < count && n !== undefined ? this.lookup(n) : undefined
      if (!record) {
        row.hidden = true
        continue
      }
      row.hidden = false
      row.dataset.n = String(n)
      row.classList.toggle('selected', n === this.selected)
      const cells = row.children
      for (let c = 0; c < this.columns.length; c++) {
        const column = this.columns[c]!
        const cell = cells[c] as HTMLElement
        const text = column.text(record)
        cell.textContent = cellText(text)
        // The cell may be cut by its width: its tooltip has the whole text (the detail has all of a huge one).
        cell.title = tooltipText(text)
        if (column.className) cell.className = `cell ${column.className(record)}`
      }
    }
  }

  private headerCell(column: Column, index: number): HTMLElement {
    const grip = h('span', { class: 'grip', title: `Drag to resize ${column.title}` })
    // Pointer capture keeps the drag on the grip: no listener on the page, nothing to remove.
    grip.addEventListener('pointerdown', (down) => {
      const startX = down.clientX
      const startWidth = this.widths[index]!
      grip.setPointerCapture(down.pointerId)
      const move = (event: PointerEvent) => {
        this.widths[index] = Math.max(MIN_WIDTH, Math.round(startWidth + event.clientX - startX))
        this.applyWidths()
      }
      const up = () => {
        grip.removeEventListener('pointermove', move)
        grip.removeEventListener('pointerup', up)
        this.onResize(Object.fromEntries(this.columns.map((c, i) => [c.id, this.widths[i]!])))
      }
      grip.addEventListener('pointermove', move)
      grip.addEventListener('pointerup', up)
    })
    return h('div', { class: 'th', role: 'columnheader', 'data-column': column.id, title: column.says ?? column.title }, column.title, grip)
  }

  private applyWidths(): void {
    this.element.style.setProperty('--cols', `${this.widths.map((w) => `${w}px`).join(' ')} 1fr`)
  }
}
