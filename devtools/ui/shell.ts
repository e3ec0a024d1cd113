import type { DevtoolsPosition, DevtoolsTheme } from '../options'
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
    this.panel = h(
      'section',
      { class: 'panel', 'aria-label': `crossbus devtools for the bus ${busName}`, hidden: !this.opened, 'data-testid': 'panel' },
      h(
        'div',
        { class: 'bar' },
        h('span', { class: 'title' }, `crossbus · ${busName}`),
        ...this.tabButtons,
        h('span', { class: 'grow' }),
        floating ? button('×', () => this.setOpen(false), { title: 'Close (Alt+Shift+B)', 'data-testid': 'close' }) : null,
      ),
      h('div', { class: 'main' }, ...init.main),
      init.footer,
    )
    const toggle = floating ? button('bus', () => this.setOpen(!this.opened), { class: `toggle ${init.position}`, title: 'crossbus devtools (Alt+Shift+B)', 'data-testid': 'toggle' }) : null
    shadow.append(h('style', {}, PANEL_CSS), h('div', { class: `root ${layout}` }, toggle, this.panel))
    document.body.appendChild(this.host)
    if (floating) window.addEventListener('keydown', this.onKey)
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
    this.host.remove()
  }

  private readonly onKey = (event: KeyboardEvent): void => {
    if (event.altKey && event.shiftKey && event.code === 'KeyB') {
      event.preventDefault()
      this.setOpen(!this.opened)
    }
  }
}
