// The content script in the page's own world, run before the page's scripts (document_start): it
// defines the global hook createBus looks for, and nothing else until a bus registers. A page that
// makes no bus sees no event, no message and no channel from it; a page that makes one is told
// nothing either until a panel attaches (then the extension's plugin runs on the bus it chose).
import { DEVTOOLS_HOOK, type Bus, type DevtoolsHook } from '../../src/core/index'
import { PageAgent } from './page-agent'
import { AskAnswers } from './page-answers'
import { FROM_PAGE, TO_PAGE, parseDetail, typeOf, type PanelMessage } from './protocol'

installHook()

function installHook(): void {
  // Another copy got here first (the extension loaded twice, or an older build): one hook per page.
  if (DEVTOOLS_HOOK in globalThis) return
  const buses: Bus[] = []
  let agent: PageAgent | undefined
  const answers = new AskAnswers()
  let listing = false
  const postText = (json: string) => document.dispatchEvent(new CustomEvent(FROM_PAGE, { detail: json }))
  const alive = () => {
    for (let i = buses.length - 1; i >= 0; i--) if (buses[i]!.closed) buses.splice(i, 1)
    return buses
  }
  const list = () => {
    listing = false
    postText(JSON.stringify({ type: 'buses', buses: alive().map(({ name, origin }) => ({ name, origin })) }))
  }

  const onPanel = (event: Event) => {
    const message = parseDetail((event as CustomEvent<unknown>).detail) as PanelMessage | undefined
    switch (typeOf(message)) {
      case 'list':
        return list()
      case 'attach': {
        const bus = alive().find((candidate) => candidate.origin === (message as { origin?: unknown }).origin)
        agent?.close()
        agent = bus === undefined ? undefined : new PageAgent(bus, postText)
        if (bus === undefined) list()
        return
      }
      case 'detach':
        agent?.close()
        agent = undefined
        return
      case 'history':
        return void agent?.sendHistory(true)
      case 'send': {
        const { request, system, kind, path, data } = message as PanelMessage & { type: 'send' }
        return agent?.send(Number(request), String(system), String(kind), String(path), data)
      }
      case 'ask':
        return agent?.ask()
      case 'answer':
        return answers.renew(alive().filter((bus) => bus.name === (message as { name?: unknown }).name))
    }
  }

  const hook: DevtoolsHook = {
    register(bus) {
      if (buses.length === 0) document.addEventListener(TO_PAGE, onPanel)
      // Closed buses are let go here too, so a page that makes and closes many keeps none of them.
      alive().push(bus)
      // One list for the buses a script makes in a row; the relay keeps it for a panel that opens later.
      if (!listing) {
        listing = true
        queueMicrotask(list)
      }
    },
  }
  Object.defineProperty(globalThis, DEVTOOLS_HOOK, { value: Object.freeze(hook), enumerable: false, configurable: false, writable: false })
}
