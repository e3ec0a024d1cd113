import { EMPTY_FILTER, type FilterState } from '../filter'
import type { CheckedOptions, DevtoolsStatus } from '../options'
import type { Recorder } from '../recorder'
import { ContextsTab } from './contexts-tab'
import { renderErrors } from './contexts'
import { DestinationsView } from './destinations-view'
import { h } from './dom'
import { EventsView } from './events-view'
import { OriginLabels } from './labels'
import { Rates } from './rates'
import { Shell, type Tab } from './shell'
import { recall, remember } from './storage'

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
  /**
   * Load the bus's stored history into the table the first time the panel opens (the standalone
   * page does, for a bus with replay: a developer opens it after the bug happened). The in-page
   * panel leaves it to its history button: its table already has what happened since the mount.
   */
  readonly loadHistoryOnOpen: boolean
}

export interface PanelInit extends CheckedOptions, Partial<PanelSettings> {
  readonly recorder: Recorder
  /** Told when the panel opens or closes and when the table pauses (for the handle's `status$`). */
  readonly statusChanged: (change: Partial<DevtoolsStatus>) => void
}

// Rates move once a second while the panel is open.
const RATES_EVERY_MS = 1_000

/** Builds the panel in a shadow root on `document.body`; returns what removes all of it. */
export function createPanel(init: PanelInit): () => void {
  const { bus, recorder } = init
  const layout = init.layout ?? 'floating'
  const remembered = recall()
  const labels = new OriginLabels(init.selfLabel ?? 'this tab')
  const rates = new Rates()
  let tab: Tab = 'events'
  let frame = 0
  let historyLoaded = false
  let ratesTimer: ReturnType<typeof setInterval> | undefined

  const events = new EventsView({
    bus,
    recorder,
    labels,
    rates,
    filter: init.filter ?? EMPTY_FILTER,
    widths: remembered.widths ?? {},
    onFilterChange: init.onFilterChange ?? (() => {}),
    onWidthsChange: (widths) => remember({ widths }),
    order: remembered.order,
    picture: remembered.picture,
    onViewChange: (view) => remember(view),
    onPause: (paused) => init.statusChanged({ paused }),
  })
  const contexts = new ContextsTab({ bus, recorder, labels, onLabels: () => events.refresh() })
  const errorsView = h('div', { class: 'view section', hidden: true, 'data-testid': 'errors' })
  const eventsView = h('div', { class: 'view' }, events.toolbar, events.element)
  // Only for an app that passed its destinations handle.
  const destinations = init.destinations ? new DestinationsView(init.destinations) : undefined
  const shell = new Shell({
    busName: bus.name,
    layout,
    position: init.position,
    theme: init.theme,
    open: init.open ?? remembered.open ?? false,
    tabs: destinations ? ['events', 'contexts', 'errors', 'destinations'] : ['events', 'contexts', 'errors'],
    main: [init.sidebar, eventsView, contexts.element, errorsView, destinations?.element],
    footer: rates.element,
    dock: remembered.dock,
    size: remembered.size,
    onDock: (dock, size) => remember({ dock, size }),
    onTab: show,
    onOpen: (open) => {
      if (layout === 'floating') remember({ open })
      if (open) return start()
      stop()
      init.statusChanged({ panel: 'closed' })
    },
  })

  // Events are recorded whether or not the panel is open; the table catches up when it opens.
  recorder.onChange = () => {
    if (shell.open && frame === 0) frame = requestAnimationFrame(tick)
  }

  function tick(): void {
    frame = 0
    recorder.looked()
    events.pull()
    const errors = recorder.errors.length
    shell.tabButton('errors')!.textContent = errors > 0 ? `errors (${errors})` : 'errors'
    if (tab === 'errors') renderErrors(errorsView, recorder.errors)
  }

  function show(name: Tab): void {
    tab = name
    eventsView.hidden = name !== 'events'
    errorsView.hidden = name !== 'errors'
    contexts.show(name === 'contexts')
    destinations?.show(name === 'destinations')
    shell.pressed(name)
    if (name === 'errors') renderErrors(errorsView, recorder.errors)
  }

  function start(): void {
    contexts.start()
    ratesTimer = setInterval(() => rates.render(), RATES_EVERY_MS)
    destinations?.start()
    rates.render()
    tick()
    if (init.loadHistoryOnOpen && !historyLoaded) {
      historyLoaded = true
      void events.loadHistory()
    }
    init.statusChanged({ panel: 'open' })
  }

  function stop(): void {
    clearInterval(ratesTimer)
    ratesTimer = undefined
    contexts.stop()
    destinations?.stop()
    cancelAnimationFrame(frame)
    frame = 0
  }

  if (shell.open) start()
  else init.statusChanged({ panel: 'closed' })

  return () => {
    if (shell.open) stop()
    recorder.onChange = undefined
    shell.destroy()
  }
}
