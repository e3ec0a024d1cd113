// The content script in the isolated world: the go-between of the page's hook and the panel (the
// hook cannot reach the extension; the panel cannot reach the page). It listens, and is silent
// towards the page until the hook said a bus exists: a panel opened on a page without a bus is
// told "no bus" from here, and the page sees nothing of it.
import { FROM_PAGE, PAGE_HAS_BUS, PORT_NAME, TO_PAGE, typeOf, type AnswerRequest, type PanelMessage } from './protocol'

const NO_BUS = JSON.stringify({ type: 'buses', buses: [] })
const ports = new Set<chrome.runtime.Port>()
let lastList: string | undefined

document.addEventListener(FROM_PAGE, (event) => {
  const detail = (event as CustomEvent<unknown>).detail
  if (typeof detail !== 'string') return
  // The hook writes its list with `type` first; a page's forgery of one only misleads its own panel.
  if (detail.startsWith('{"type":"buses"')) {
    // A panel of this tab that lost its page (a reload) connects again once the new page has a bus.
    if (lastList === undefined) chrome.runtime.sendMessage({ type: PAGE_HAS_BUS }).catch(() => {})
    lastList = detail
  }
  for (const port of ports) port.postMessage(detail)
})

const toPage = (message: PanelMessage) => document.dispatchEvent(new CustomEvent(TO_PAGE, { detail: JSON.stringify(message) }))

chrome.runtime.onConnect.addListener((port) => {
  if (port.name !== PORT_NAME) return
  ports.add(port)
  port.onMessage.addListener((message: unknown) => {
    if (lastList !== undefined && typeOf(message) !== undefined) toPage(message as PanelMessage)
  })
  port.onDisconnect.addListener(() => {
    ports.delete(port)
    if (lastList !== undefined && ports.size === 0) toPage({ type: 'detach' })
  })
  port.postMessage(lastList ?? NO_BUS)
  // The list kept may name a bus closed since: the hook lists the live ones again.
  if (lastList !== undefined) toPage({ type: 'list' })
})

// A panel looking at a bus of this origin in another tab asks every tab to answer for it; only a
// page with a bus of that origin passes it on (to a page without a bus, this listener says nothing).
chrome.runtime.onMessage.addListener((message: unknown) => {
  if (lastList === undefined || typeOf(message) !== 'crossbus-answer') return
  const { origin, name } = message as AnswerRequest
  if (origin === location.origin && typeof name === 'string') toPage({ type: 'answer', name })
})
