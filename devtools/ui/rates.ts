import { h, replaceChildren } from './dom'

const SECONDS = 30
const SVG = 'http://www.w3.org/2000/svg'
// A few systems fit the strip; the busiest are shown.
const MAX_SYSTEMS = 8

/** Events per second per system over the last 30 seconds, drawn as small lines. */
export class Rates {
  readonly element: HTMLElement
  private readonly buckets = new Map<string, number[]>()
  private readonly totals = new Map<string, number>()
  private second = Math.floor(Date.now() / 1000)

  constructor() {
    this.element = h('div', { class: 'rates', 'data-testid': 'rates' }, h('span', { class: 'status' }, 'events/s per system'))
  }

  /** Counts one event seen now (after `advance`, once for a run of events). */
  count(system: string): void {
    let counts = this.buckets.get(system)
    if (!counts) this.buckets.set(system, (counts = new Array<number>(SECONDS).fill(0)))
    counts[SECONDS - 1]!++
    this.totals.set(system, (this.totals.get(system) ?? 0) + 1)
  }

  clear(): void {
    this.buckets.clear()
    this.totals.clear()
  }

  render(): void {
    this.advance()
    const busiest = [...this.buckets].sort((a, b) => sum(b[1]) - sum(a[1])).slice(0, MAX_SYSTEMS)
    if (busiest.length === 0) {
      replaceChildren(this.element, h('span', { class: 'status' }, 'events/s per system: no events yet'))
      return
    }
    replaceChildren(this.element, ...busiest.map(([system, counts]) => this.rate(system, counts)))
  }

  private rate(system: string, counts: readonly number[]): HTMLElement {
    const max = Math.max(1, ...counts)
    const points = counts.map((count, i) => `${(i / (SECONDS - 1)) * 80},${19 - (count / max) * 18}`).join(' ')
    const svg = document.createElementNS(SVG, 'svg')
    svg.setAttribute('viewBox', '0 0 80 20')
    const line = document.createElementNS(SVG, 'polyline')
    line.setAttribute('points', points)
    svg.appendChild(line)
    const now = counts[SECONDS - 2] ?? 0
    return h('span', { class: 'rate', 'data-system': system, title: `${system}: ${this.totals.get(system) ?? 0} events seen` }, system, svg, `${now}/s`)
  }

  /** Moves the window to the current second. */
  advance(): void {
    const second = Math.floor(Date.now() / 1000)
    const shift = Math.min(SECONDS, second - this.second)
    if (shift <= 0) return
    this.second = second
    for (const counts of this.buckets.values()) {
      counts.splice(0, shift)
      for (let i = 0; i < shift; i++) counts.push(0)
    }
  }
}

function sum(counts: readonly number[]): number {
  let total = 0
  for (const count of counts) total += count
  return total
}
