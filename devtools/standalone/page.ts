import { createBus } from '../../src/index'
import { filterFromQuery, filterToQuery } from '../filter'
import { mountWith } from '../mount'
import { checkDevtoolsOptions } from '../options'
import { button, h, replaceChildren } from '../ui/dom'
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
    })
  } else {
    // Nothing chosen yet: the same sidebar in a plain page.
    document.body.style.cssText = 'font: 13px system-ui, sans-serif; margin: 24px;'
    document.body.append(h('h1', {}, 'crossbus devtools'), h('p', {}, 'Pick a bus of this origin, or type its name.'), sidebar)
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

/** A bus of the list: its name, and how many contexts hold it (`watching` for the one shown, `?` when unknown). */
function busButton(name: string, chosen: boolean, count: number | undefined): HTMLElement {
  const said = count === WATCHING ? 'watching' : count === undefined ? '?' : String(count)
  const title = count === WATCHING ? 'watching' : count === undefined ? 'not a bus name' : `${count} context(s)`
  return button(name, () => open(name), { 'data-bus': name, 'aria-pressed': String(chosen), title }, h('span', { class: 'count' }, said))
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
