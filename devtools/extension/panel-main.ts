// The extension's panel page: in the browser's DevTools (a crossbus panel for the inspected tab), or
// on its own as panel.html?tab=<tabId> (the pop-out window, and how the tests drive it). It lists the
// buses of the tab's page and shows the one chosen with the in-page panel's own UI.
import { button, h, replaceChildren } from '../ui/dom'
import type { DevtoolsTheme } from '../options'
import { PanelSession, answerLocksFromPage } from './panel-session'
import { PAGE_HAS_BUS, parseDetail, PORT_NAME, RENEW_ANSWERS_EVERY_MS, typeOf, type AnswerRequest, type BusInfo, type PageMessage, type PanelMessage } from './protocol'

const devtools = (globalThis as { chrome?: { devtools?: typeof chrome.devtools } }).chrome?.devtools
const tabId = devtools?.inspectedWindow.tabId ?? Number(new URL(location.href).searchParams.get('tab'))
const theme: DevtoolsTheme = devtools?.panels.themeName === 'dark' ? 'dark' : devtools ? 'light' : 'auto'

const status = h('p', { class: 'status', 'data-testid': 'extension-status' }, 'connecting to the page…')
const list = h('div', { 'data-testid': 'bus-list' })
const sidebar = h('aside', { class: 'sidebar' }, h('h2', {}, 'buses in this tab'), list)
const landing = h('main', { class: 'landing' }, h('h1', {}, 'crossbus'), status)

let port: chrome.runtime.Port | undefined
let session: PanelSession | undefined
let answersTimer: ReturnType<typeof setInterval> | undefined
let buses: readonly BusInfo[] = []
// The bus shown, by name: after a reload of the page, the bus of that name is shown again.
let chosenName = new URL(location.href).searchParams.get('bus') ?? undefined

document.title = 'crossbus'
answerLocksFromPage()
document.body.append(landing)
if (Number.isSafeInteger(tabId) && tabId >= 0) connect()
else say('Open this page from the crossbus panel of DevTools, or as panel.html?tab=<tab id>.')

function connect(): void {
  if (port !== undefined) return
  const connected = chrome.tabs.connect(tabId, { name: PORT_NAME, frameId: 0 })
  port = connected
  connected.onMessage.addListener((text) => heard(parseDetail(text)))
  connected.onDisconnect.addListener(() => {
    // Read, so that a page without the content script (yet) is no "unchecked" error in the console.
    void chrome.runtime.lastError
    if (port !== connected) return
    port = undefined
    show(undefined)
    say('The page is gone or is loading: the panel connects again when it has loaded. (A page opened before the extension was installed needs a reload.)')
  })
}

// Lost (a reload, a navigation): connect again when the tab's new page has loaded, or as soon as
// it made a bus, whichever comes first (the relay says so; a page without a bus says nothing).
chrome.tabs.onUpdated.addListener((updated, change) => {
  if (updated === tabId && change.status === 'complete') connect()
})
chrome.runtime.onMessage.addListener((message, sender) => {
  if (sender.tab?.id === tabId && typeOf(message) === PAGE_HAS_BUS) connect()
})

function tell(message: PanelMessage): void {
  port?.postMessage(message)
}

function heard(message: unknown): void {
  const type = typeOf(message)
  if (type === 'buses') return listed((message as { buses?: unknown }).buses)
  if (type === 'attached') return attached((message as { bus?: unknown }).bus, (message as { pageOrigin?: unknown }).pageOrigin)
  if (type === 'closed') {
    show(undefined)
    return tell({ type: 'list' })
  }
  if (type !== undefined) session?.heard(message as PageMessage)
}

function listed(value: unknown): void {
  buses = Array.isArray(value) ? value.filter(isBusInfo) : []
  renderList()
  if (buses.length === 0) {
    show(undefined)
    say('No crossbus bus in this tab. A page that calls createBus is found here with no change to its code; one opened before the extension was installed needs a reload.', 'no-bus')
    return
  }
  const shown = session && buses.find((bus) => bus.origin === session!.bus.origin)
  if (!shown) choose(buses.find((bus) => bus.name === chosenName) ?? buses[0]!)
}

function choose(bus: BusInfo): void {
  chosenName = bus.name
  say(`attaching to the bus ${bus.name}…`)
  tell({ type: 'attach', origin: bus.origin })
}

function attached(value: unknown, pageOrigin: unknown): void {
  if (!isBusInfo(value)) return
  show(new PanelSession(value, tell, sidebar, theme))
  renderList()
  if (typeof pageOrigin === 'string') {
    const request: AnswerRequest = { type: 'crossbus-answer', origin: pageOrigin, name: value.name }
    askOtherTabsToAnswer(request)
    answersTimer = setInterval(() => askOtherTabsToAnswer(request), RENEW_ANSWERS_EVERY_MS)
  }
}

/**
 * Every tab is asked (the extension may not read tabs' URLs, so it cannot pick them): the pages of
 * that origin with a bus of that name answer the contexts tab for a while; the others ignore it.
 */
function askOtherTabsToAnswer(request: AnswerRequest): void {
  void chrome.tabs.query({}).then((tabs) => {
    for (const tab of tabs) if (tab.id !== undefined) chrome.tabs.sendMessage(tab.id, request, { frameId: 0 }).catch(() => {})
  })
}

function show(next: PanelSession | undefined): void {
  clearInterval(answersTimer)
  answersTimer = undefined
  session?.close()
  session = next
  landing.hidden = next !== undefined
}

function renderList(): void {
  replaceChildren(
    list,
    ...buses.map((bus) =>
      button(bus.name, () => choose(bus), { 'data-bus': bus.name, 'aria-pressed': String(session?.bus.origin === bus.origin), title: `instance ${bus.origin}` }),
    ),
  )
}

function say(text: string, state = 'info'): void {
  status.textContent = text
  status.dataset.state = state
}

function isBusInfo(value: unknown): value is BusInfo {
  const { name, origin } = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>
  return typeof name === 'string' && name.length <= 4_096 && typeof origin === 'string' && origin.length <= 4_096
}
