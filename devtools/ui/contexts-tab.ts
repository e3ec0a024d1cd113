import type { Subscription } from 'rxjs'
import type { Bus, Peer } from '../../src/core/index'
import { askContexts, type ChannelEnd, type ContextReport } from '../agent-channel'
import type { Recorder } from '../recorder'
import { ledJobs, renderContexts } from './contexts'
import { h } from './dom'
import type { OriginLabels } from './labels'

// Contexts are asked again this often while the tab is shown.
const ASK_EVERY_MS = 2_000
// Reports kept, latest first: more than sync lists peers (1,024 others), fewer than a flood.
const MAX_REPORTS = 2_048

export interface ContextsTabInit {
  readonly bus: Bus
  readonly recorder: Recorder
  readonly labels: OriginLabels
  /** The peers changed and some got their first label: the events table shows labels too. */
  readonly onLabels: () => void
}

/**
 * The contexts tab: every live context of the bus (`peers$`), what each says of itself and its
 * subscriptions (asked on the devtools channel), and which jobs have a leader. What it watches it
 * watches only while the panel is open: knowing who is there costs the other contexts a message
 * every few seconds, so a closed panel asks nothing. It draws at most once a frame, however many
 * reports arrive.
 */
export class ContextsTab {
  readonly element = h('div', { class: 'view section', hidden: true, 'data-testid': 'contexts' })
  private peers: readonly Peer[] = []
  private readonly reports = new Map<string, ContextReport>()
  private jobs: string[] = []
  private shown = false
  private frame = 0
  private watching: Subscription | undefined
  private asking: (ChannelEnd & { ask(): void }) | undefined
  private timer: ReturnType<typeof setInterval> | undefined

  constructor(private readonly init: ContextsTabInit) {}

  /** The panel opened. */
  start(): void {
    const { bus, recorder, labels } = this.init
    this.watching = bus.peers$.subscribe((list) => {
      this.peers = list
      if (labels.update(list)) this.init.onLabels()
      this.scheduleDraw()
    })
    this.asking = askContexts(bus.name, (report) => this.heard(report), (count) => recorder.reportsDropped(count))
    this.asking.ask()
    this.timer = setInterval(() => {
      if (this.shown) this.refresh()
    }, ASK_EVERY_MS)
  }

  /** The panel closed. */
  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
    this.watching?.unsubscribe()
    this.watching = undefined
    this.asking?.close()
    this.asking = undefined
    cancelAnimationFrame(this.frame)
    this.frame = 0
  }

  show(shown: boolean): void {
    this.shown = shown
    this.element.hidden = !shown
    if (shown) this.refresh()
  }

  private refresh(): void {
    this.asking?.ask()
    void ledJobs(this.init.bus.name).then((led) => {
      this.jobs = led
      this.scheduleDraw()
    })
    this.draw()
  }

  private heard(report: ContextReport): void {
    // Latest last, so the oldest report is the first to go when a flood of origins fills the map.
    this.reports.delete(report.origin)
    this.reports.set(report.origin, report)
    if (this.reports.size > MAX_REPORTS) this.reports.delete(this.reports.keys().next().value!)
    this.scheduleDraw()
  }

  private scheduleDraw(): void {
    if (this.shown && this.watching && this.frame === 0) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0
        this.draw()
      })
    }
  }

  private draw(): void {
    const { recorder, labels } = this.init
    renderContexts(this.element, { peers: this.peers, reports: this.reports, ownSubscriptions: recorder.subscriptions.values(), ledJobs: this.jobs, labelOf: (origin) => labels.of(origin) })
  }
}
