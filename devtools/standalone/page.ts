import { createBus } from '../../src/index'
import { filterFromQuery, filterToQuery } from '../filter'
import { mountWith } from '../mount'
import { checkDevtoolsOptions } from '../options'
import { button, h, replaceChildren } from '../ui/dom'
import { PANEL_CSS } from '../ui/styles'
import { busNamesInOrigin, countContexts } from './discover'
import type { DevtoolsPageOptions } from './start'

// The list of buses is probed again this often: tabs open and close while the page is up.
const PROBE_EVERY_MS = 5_000
// Buses listed (and probed each time), at most: any script of the origin can make the databases
// and locks the list is read from.
const MAX_BUSES = 50
const WATCHING = -1

/**
 * The standalone page: a passive observer of one bus name (from `?bus=`), shown full-page, with
 * the buses alive in the origin listed beside it. It joins the bus like any tab (so it receives
 * what every tab and worker sends) but sends nothing unless the developer re-sends an event.
 */
export async function runPage(options: DevtoolsPageOptions): Promise<void> {
  document.title = 'crossbus devtools'
  const url = new URL(location.href)
  const chosen = url.searchParams.get('bus') ?? ''
  const list = h('div', { 'data-testid': 'bus-list' }, h('p', { class: 'status' }, 'looking for buses…'))
  const nameInput = h('input', { placeholder: 'bus name', 'aria-label': 'bus name', value: chosen, 'data-testid': 'bus-name' })
  const form = h('form', {}, nameInput, button('watch', () => open(nameInput.value)))
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    open(nameInput.value)
  })
  const sidebar = h('aside', { class: 'sidebar' }, h('h2', {}, 'buses in this origin'), list, h('h2', {}, 'watch a bus'), form)

  const found = await busNamesInOrigin()
  const fromServer = await namesFromServer(options.namesUrl)

  if (chosen !== '') {
    // History only where the bus keeps some: opening a replay store for a bus without one would
    // create an empty database in the app's origin.
    const bus = createBus({ name: chosen, ...(found.withHistory.has(chosen) ? { replay: {} } : {}) })
    mountWith(checkDevtoolsOptions(bus, { theme: 'auto' }), {
      layout: 'page',
      filter: filterFromQuery(url.searchParams),
      // The filter lives in the URL, so a reload or a shared link shows the same rows.
      onFilterChange: (filter) => history.replaceState(null, '', `${location.pathname}?${filterToQuery(filter, new URL(location.href).searchParams)}`),
      selfLabel: 'devtools',
      sidebar,
      loadHistoryOnOpen: found.withHistory.has(chosen),
    })
  } else {
    showLanding(sidebar)
  }

  const refresh = async () => {
    const again = await busNamesInOrigin()
    const names = [...new Set([...(options.buses ?? []), ...fromServer, ...again.names, ...(chosen ? [chosen] : [])])].sort()
    const listed = names.slice(0, MAX_BUSES)
    const counts = await Promise.all(listed.map((name) => (name === chosen ? Promise.resolve(WATCHING) : countContexts(name))))
    replaceChildren(
      list,
      ...(names.length === 0 ? [h('p', { class: 'status' }, 'none found: type a name below')] : []),
      ...listed.map((name, i) => busButton(name, name === chosen, counts[i])),
      names.length > listed.length ? h('p', { class: 'status' }, `${names.length - listed.length} more not listed: type a name below`) : null,
    )
  }
  // A probe that fails must not stop the next ones, nor throw into the page every few seconds.
  const probe = () => refresh().catch((error: unknown) => console.warn('crossbus devtools: the buses of this origin could not be listed.', error))
  await probe()
  setInterval(() => void probe(), PROBE_EVERY_MS)
}

/**
 * Nothing chosen yet: the list of buses in the panel's own frame and styles (a shadow root, so the
 * app's CSS, which the dev server may inject into every page, cannot reach it).
 */
function showLanding(sidebar: HTMLElement): void {
  document.body.style.cssText = 'margin: 0;'
  const host = h('div', { 'data-crossbus-devtools': '' })
  host.dataset.theme = 'auto'
  const shadow = host.attachShadow({ mode: 'open' })
  const intro = h(
    'div',
    { class: 'view section', 'data-testid': 'landing' },
    h('h2', {}, 'Pick a bus'),
    h('p', {}, 'Choose a bus of this origin on the left, or type its name. The page then watches every tab, worker and frame of that bus, with its stored history loaded, without touching the app.'),
  )
  const panel = h(
    'section',
    { class: 'panel', 'aria-label': 'crossbus devtools' },
    h('div', { class: 'bar' }, h('span', { class: 'title' }, 'crossbus devtools')),
    h('div', { class: 'main' }, sidebar, intro),
  )
  shadow.append(h('style', {}, PANEL_CSS), h('div', { class: 'root page' }, panel))
  document.body.appendChild(host)
}

/** A bus of the list: its name, and beside it how many contexts hold it (`watching` for the one shown, `?` when unknown). */
function busButton(name: string, chosen: boolean, count: number | undefined): HTMLElement {
  const said = count === WATCHING ? 'watching' : count === undefined ? '?' : `${count} context${count === 1 ? '' : 's'}`
  const title = count === WATCHING ? 'watching' : count === undefined ? 'not a bus name' : `${count} context(s) hold a bus named ${name}`
  return button('', () => open(name), { 'data-bus': name, 'aria-pressed': String(chosen), title }, h('span', { class: 'name', 'data-testid': 'bus-label' }, name), h('span', { class: 'count', 'data-testid': 'bus-count' }, said))
}

function open(name: string): void {
  const trimmed = name.trim()
  if (trimmed === '') return
  location.search = `?bus=${encodeURIComponent(trimmed)}`
}

async function namesFromServer(namesUrl: string | undefined): Promise<string[]> {
  if (!namesUrl) return []
  try {
    const response = await fetch(namesUrl)
    const names: unknown = await response.json()
    return Array.isArray(names) ? names.filter((name): name is string => typeof name === 'string') : []
  } catch {
    return []
  }
}
