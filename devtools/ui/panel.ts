import type { Subscription } from 'rxjs'
import type { Peer } from '../../src/core/index'
import { askContexts, type ContextReport } from '../agent'
import { EMPTY_FILTER, type FilterState } from '../filter'
import type { CheckedOptions } from '../options'
import type { Recorder } from '../recorder'
import { ledJobs, renderContexts, renderErrors } from './contexts'
import { DestinationsView } from './destinations-view'
import { button, h } from './dom'
import { EventsView } from './events-view'
import { OriginLabels } from './labels'
import { Rates } from './rates'
import { recall, remember } from './storage'
import { PANEL_CSS } from './styles'

/** How the standalone page differs from the in-page panel. */
export interface PanelSettings {
  /** `floating`: a button and a panel docked at the bottom; `page`: the whole page, always open. */
  readonly layout: 'floating' | 'page'
  readonly filter: FilterState
  readonly onFilterChange: (filter: FilterState) => void
  /** What this context is called in the origin column. */
  readonly selfLabel: string
  /** Shown left of the views (the standalone page's list of buses). */
  readonly sidebar: HTMLElement | undefined
}

export interface PanelInit extends CheckedOptions, Partial<PanelSettings> {
  readonly recorder: Recorder
}

type Tab = 'events' | 'contexts' | 'errors' | 'destinations'

// Contexts are asked again this often while the panel is open; rates move once a second.
const ASK_EVERY_MS = 2_000
const RATES_EVERY_MS = 1_000

/** Builds the panel in a shadow root on `document.body`; returns what removes all of it. */
export function createPanel(init: PanelInit): () => void {
  const { bus, recorder } = init
  const layout = init.layout ?? 'floating'
  const remembered = recall()
  const labels = new OriginLabels(init.selfLabel ?? 'this tab')
  const rates = new Rates()
  const reports = new Map<string, ContextReport>()
  let peers: readonly Peer[] = []
  let jobs: string[] = []
  let tab: Tab = 'events'
  let isOpen = layout === 'page' || (init.open ?? remembered.open ?? false)
  let frame = 0
  let timers: ReturnType<typeof setInterval>[] = []
  let watchingPeers: Subscription | undefined
  let asking: ReturnType<typeof askContexts> | undefined

  const host = h('div', { 'data-crossbus-devtools': bus.name })
  host.dataset.theme = init.theme
  const shadow = host.attachShadow({ mode: 'open' })
  const events = new EventsView({
    bus,
    recorder,
    labels,
    rates,
    filter: init.filter ?? EMPTY_FILTER,
    widths: remembered.widths ?? {},
    onFilterChange: init.onFilterChange ?? (() => {}),
    onWidthsChange: (widths) => remember({ widths }),
  })
  const contextsView = h('div', { class: 'view section', hidden: true, 'data-testid': 'contexts' })
  const errorsView = h('div', { class: 'view section', hidden: true, 'data-testid': 'errors' })
  const eventsView = h('div', { class: 'view' }, events.toolbar, events.element)
  // Only for an app that passed its destinations handle.
  const destinations = init.destinations ? new DestinationsView(init.destinations) : undefined
  const tabs: Tab[] = destinations ? ['events', 'contexts', 'errors', 'destinations'] : ['events', 'contexts', 'errors']
  const tabButtons = tabs.map((name) => button(name, () => show(name), { 'data-tab': name, 'data-testid': `tab-${name}`, 'aria-pressed': String(name === tab) }))
  const errorsTab = tabButtons[2]!
  const panel = h(
    'section',
    { class: 'panel', 'aria-label': `crossbus devtools for the bus ${bus.name}`, hidden: !isOpen, 'data-testid': 'panel' },
    h(
      'div',
      { class: 'bar' },
      h('span', { class: 'title' }, `crossbus · ${bus.name}`),
      ...tabButtons,
      h('span', { class: 'grow' }),
      layout === 'floating' ? button('×', () => setOpen(false), { title: 'Close (Alt+Shift+B)', 'data-testid': 'close' }) : null,
    ),
    h('div', { class: 'main' }, init.sidebar ?? null, eventsView, contextsView, errorsView, destinations?.element),
    rates.element,
  )
  const toggle =
    layout === 'floating' ? button('bus', () => setOpen(!isOpen), { class: `toggle ${init.position}`, title: 'crossbus devtools (Alt+Shift+B)', 'data-testid': 'toggle' }) : null
  shadow.append(h('style', {}, PANEL_CSS), h('div', { class: `root ${layout}` }, toggle, panel))
  document.body.appendChild(host)

  const onKey = (event: KeyboardEvent) => {
    if (layout === 'floating' && event.altKey && event.shiftKey && event.code === 'KeyB') {
      event.preventDefault()
      setOpen(!isOpen)
    }
  }
  window.addEventListener('keydown', onKey)

  // Events are recorded whether or not the panel is open; the table catches up when it opens.
  recorder.onChange = () => {
    if (isOpen && frame === 0) frame = requestAnimationFrame(tick)
  }

  function tick(): void {
    frame = 0
    recorder.looked()
    events.pull()
    const errors = recorder.errors.length
    errorsTab.textContent = errors > 0 ? `errors (${errors})` : 'errors'
    if (tab === 'errors') renderErrors(errorsView, recorder.errors)
  }

  function show(name: Tab): void {
    tab = name
    eventsView.hidden = name !== 'events'
    contextsView.hidden = name !== 'contexts'
    errorsView.hidden = name !== 'errors'
    destinations?.show(name === 'destinations')
    for (const tabButton of tabButtons) tabButton.setAttribute('aria-pressed', String(tabButton.dataset.tab === name))
    if (name === 'contexts') refreshContexts()
    if (name === 'errors') renderErrors(errorsView, recorder.errors)
  }

  function refreshContexts(): void {
    asking?.ask()
    void ledJobs(bus.name).then((led) => {
      jobs = led
      if (tab === 'contexts' && isOpen) drawContexts()
    })
    drawContexts()
  }

  function drawContexts(): void {
    renderContexts(contextsView, { peers, reports, ownSubscriptions: recorder.subscriptions.values(), ledJobs: jobs, labelOf: (origin) => labels.of(origin) })
  }

  function setOpen(open: boolean): void {
    isOpen = open
    panel.hidden = !open
    if (layout === 'floating') remember({ open })
    if (open) start()
    else stop()
  }

  // What runs only while the panel is open: knowing who is there costs the other contexts a
  // message every few seconds, so a closed panel asks nothing.
  function start(): void {
    watchingPeers = bus.peers$.subscribe((list) => {
      peers = list
      if (labels.update(list)) events.refresh()
      if (tab === 'contexts') drawContexts()
    })
    asking = askContexts(bus.name, (report) => {
      reports.set(report.origin, report)
      if (tab === 'contexts') drawContexts()
    })
    asking.ask()
    timers = [
      setInterval(() => rates.render(), RATES_EVERY_MS),
      setInterval(() => {
        if (tab === 'contexts') refreshContexts()
      }, ASK_EVERY_MS),
    ]
    destinations?.start()
    rates.render()
    tick()
  }

  function stop(): void {
    for (const timer of timers) clearInterval(timer)
    timers = []
    watchingPeers?.unsubscribe()
    watchingPeers = undefined
    asking?.close()
    asking = undefined
    destinations?.stop()
    cancelAnimationFrame(frame)
    frame = 0
  }

  if (isOpen) start()

  return () => {
    stop()
    recorder.onChange = undefined
    window.removeEventListener('keydown', onKey)
    host.remove()
  }
}
