import type { DevtoolsPosition, DevtoolsTheme } from '../options'
import { clampDockSize, draggedSize, effectiveDock, NARROW_VIEWPORT, type Dock } from './dock'
import { button, h } from './dom'
import { PANEL_CSS } from './styles'

export type Tab = 'events' | 'contexts' | 'errors' | 'destinations'

export interface ShellInit {
  readonly busName: string
  /** `floating`: a button and a panel docked at the bottom; `page`: the whole page, always open. */
  readonly layout: 'floating' | 'page'
  readonly position: DevtoolsPosition
  readonly theme: DevtoolsTheme
  readonly open: boolean
  readonly tabs: readonly Tab[]
  /** What the panel holds below its bar: the sidebar (if any), then one view per tab. */
  readonly main: readonly (HTMLElement | undefined)[]
  /** Below the views (the rates strip). */
  readonly footer: HTMLElement
  readonly onTab: (tab: Tab) => void
  readonly onOpen: (open: boolean) => void
  /** Floating only: the edge it is docked to (default bottom) and its size there (default 45% of the viewport). */
  readonly dock?: Dock
  readonly size?: number
  /** The developer docked the panel elsewhere or dragged its edge. */
  readonly onDock?: (dock: Dock, size: number) => void
}

/**
 * The panel's frame: its shadow root on `document.body` (so the page's CSS and the panel's never
 * meet), the bar with the tabs, and, floating, the toggle button and Alt+Shift+B. It knows nothing
 * of what the views show.
 */
export class Shell {
  private readonly host: HTMLElement
  private readonly panel: HTMLElement
  private readonly tabButtons: HTMLButtonElement[]
  private opened: boolean
  private dock: Dock
  private size: number | undefined

  constructor(private readonly init: ShellInit) {
    const { busName, layout } = init
    this.opened = layout === 'page' || init.open
    this.host = h('div', { 'data-crossbus-devtools': busName })
    this.host.dataset.theme = init.theme
    const shadow = this.host.attachShadow({ mode: 'open' })
    this.tabButtons = init.tabs.map((name, i) =>
      button(name, () => init.onTab(name), { 'data-tab': name, 'data-testid': `tab-${name}`, 'aria-pressed': String(i === 0) }),
    )
    const floating = layout === 'floating'
    this.dock = init.dock ?? 'bottom'
    this.size = init.size
    const dockButton = floating ? button('', () => this.setDock(this.dock === 'bottom' ? 'right' : 'bottom'), { 'data-testid': 'dock' }) : null
    this.dockButton = dockButton ?? undefined
    this.panel = h(
      'section',
      { class: 'panel', 'aria-label': `crossbus devtools for the bus ${busName}`, hidden: !this.opened, 'data-testid': 'panel' },
      h(
        'div',
        { class: 'bar' },
        h('span', { class: 'title' }, `crossbus · ${busName}`),
        ...this.tabButtons,
        h('span', { class: 'grow' }),
        dockButton,
        floating ? button('×', () => this.setOpen(false), { title: 'Close (Alt+Shift+B)', 'data-testid': 'close' }) : null,
      ),
      h('div', { class: 'main' }, ...init.main),
      init.footer,
    )
    if (floating) this.panel.prepend(this.edge())
    const toggle = floating ? button('bus', () => this.setOpen(!this.opened), { class: `toggle ${init.position}`, title: 'crossbus devtools (Alt+Shift+B)', 'data-testid': 'toggle' }) : null
    shadow.append(h('style', {}, PANEL_CSS), h('div', { class: `root ${layout}` }, toggle, this.panel))
    document.body.appendChild(this.host)
    if (floating) {
      window.addEventListener('keydown', this.onKey)
      window.addEventListener('resize', this.place)
      this.place()
    }
  }

  private readonly dockButton: HTMLButtonElement | undefined

  /** The edge to drag (top when docked at the bottom, left when at the right). */
  private edge(): HTMLElement {
    const edge = h('div', { class: 'edge', title: 'Drag to resize the panel', 'data-testid': 'resize', role: 'separator' })
    // Pointer capture keeps the drag on the edge: no listener on the page, nothing to remove.
    edge.addEventListener('pointerdown', (down) => {
      const vertical = effectiveDock(this.dock, window.innerWidth) === 'bottom'
      const start = vertical ? down.clientY : down.clientX
      const startSize = vertical ? this.panel.offsetHeight : this.panel.offsetWidth
      edge.setPointerCapture(down.pointerId)
      const move = (event: PointerEvent) => {
        this.size = draggedSize(startSize, start, vertical ? event.clientY : event.clientX, vertical ? window.innerHeight : window.innerWidth)
        this.place()
      }
      const up = () => {
        edge.removeEventListener('pointermove', move)
        edge.removeEventListener('pointerup', up)
        if (this.size !== undefined) this.init.onDock?.(this.dock, this.size)
      }
      edge.addEventListener('pointermove', move)
      edge.addEventListener('pointerup', up)
    })
    return edge
  }

  private setDock(dock: Dock): void {
    this.dock = dock
    // Each edge starts at its default size: a height makes no sense as a width.
    this.size = undefined
    this.place()
    this.init.onDock?.(dock, dock === 'bottom' ? this.panel.offsetHeight : this.panel.offsetWidth)
  }

  /** Applies the dock and the size (again when the window is resized: a size stays within it). */
  private readonly place = (): void => {
    const dock = effectiveDock(this.dock, window.innerWidth)
    this.panel.classList.toggle('dock-right', dock === 'right')
    this.panel.classList.toggle('dock-bottom', dock === 'bottom')
    this.panel.style.height = dock === 'bottom' && this.size !== undefined ? `${clampDockSize(this.size, window.innerHeight)}px` : ''
    this.panel.style.width = dock === 'right' && this.size !== undefined ? `${clampDockSize(this.size, window.innerWidth)}px` : ''
    if (this.dockButton) {
      this.dockButton.textContent = this.dock === 'bottom' ? 'dock right' : 'dock bottom'
      this.dockButton.title = this.dock === 'bottom' ? 'Dock the panel at the right of the page' : 'Dock the panel at the bottom of the page'
      // On a narrow screen there is no room at the right.
      this.dockButton.hidden = window.innerWidth < NARROW_VIEWPORT && this.dock === 'bottom'
    }
  }

  get open(): boolean {
    return this.opened
  }

  setOpen(open: boolean): void {
    if (open === this.opened) return
    this.opened = open
    this.panel.hidden = !open
    this.init.onOpen(open)
  }

  /** Marks `tab` as the one shown. */
  pressed(tab: Tab): void {
    for (const tabButton of this.tabButtons) tabButton.setAttribute('aria-pressed', String(tabButton.dataset.tab === tab))
  }

  /** The button of `tab`, to say more on it (the number of errors). */
  tabButton(tab: Tab): HTMLButtonElement | undefined {
    return this.tabButtons.find((tabButton) => tabButton.dataset.tab === tab)
  }

  destroy(): void {
    window.removeEventListener('keydown', this.onKey)
    window.removeEventListener('resize', this.place)
    this.host.remove()
  }

  private readonly onKey = (event: KeyboardEvent): void => {
    if (event.altKey && event.shiftKey && event.code === 'KeyB') {
      event.preventDefault()
      this.setOpen(!this.opened)
    }
  }
}
