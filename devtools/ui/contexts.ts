import type { Peer, SubscriptionInfo } from '../../src/core/index'
import { groupSubscriptions, type ContextReport, type SubscriptionGroup } from '../agent-channel'
import type { DevtoolsErrorRecord } from '../records'
import { clockTime, h, replaceChildren } from './dom'
import { leaderLockName } from '../../src/shared/names'

export interface ContextsModel {
  readonly peers: readonly Peer[]
  /** What contexts with devtools said about themselves, by bus instance id. */
  readonly reports: ReadonlyMap<string, ContextReport>
  /** This context's own open subscriptions (known without asking). */
  readonly ownSubscriptions: Iterable<SubscriptionInfo>
  /** The jobs of this bus that have a leader now (from the origin's Web Locks). */
  readonly ledJobs: readonly string[]
  readonly labelOf: (origin: string) => string
}

/** Every live context of the bus name, what it subscribes to, and which jobs are led. */
export function renderContexts(into: HTMLElement, model: ContextsModel): void {
  const rows = model.peers.map((peer) => {
    const report = model.reports.get(peer.origin)
    const groups: readonly SubscriptionGroup[] | undefined = peer.self ? groupSubscriptions(model.ownSubscriptions) : report?.subscriptions
    return h(
      'tr',
      { 'data-origin': peer.origin, 'data-testid': 'context' },
      h('td', {}, model.labelOf(peer.origin), peer.self ? ' (here)' : ''),
      h('td', {}, peer.kind),
      h('td', {}, report?.label ?? ''),
      h('td', {}, peer.origin),
      h('td', {}, clockTime(peer.since)),
      h('td', { 'data-testid': 'subscriptions' }, groups === undefined ? h('span', { class: 'status' }, 'not known: no devtools in that context (add devtoolsAgent())') : subscriptionList(groups)),
    )
  })
  replaceChildren(
    into,
    h('table', {}, h('thead', {}, h('tr', {}, ...CONTEXT_COLUMNS.map(([title, says]) => h('th', { title: says }, title)))), h('tbody', {}, ...rows)),
    h('p', { 'data-testid': 'leaders' }, model.ledJobs.length === 0 ? 'No job of this bus has a leader now (no context observes leader$ or host.leads).' : `Jobs with a leader: ${model.ledJobs.join(', ')}`),
  )
}

// Each column's header and what it explains on hover.
const CONTEXT_COLUMNS: readonly [string, string][] = [
  ['context', 'Its label in every viewer: its kind and the start of its bus instance id; (here) is the context this panel runs in'],
  ['kind', 'What sort of context it is: window (a tab), iframe, worker, shared or service worker'],
  ['says', 'What the context says of itself through devtoolsAgent() or a panel: the page title or the worker name'],
  ['id', 'Its bus instance id: the origin of the events it sends'],
  ['since', 'When its bus was created, on its own clock'],
  ['subscriptions (pattern, kind, count)', 'Its open subscriptions, grouped by pattern and kind (known only where devtools run)'],
]
const ERROR_COLUMNS: readonly [string, string][] = [
  ['time', 'When errors$ reported it'],
  ['kind', 'The error kind: what sort of failure'],
  ['code', 'The error code (docs/errors.md lists them all)'],
  ['message', 'What went wrong, in full'],
]

function subscriptionList(groups: readonly SubscriptionGroup[]): HTMLElement | string {
  if (groups.length === 0) return 'none'
  return h('div', {}, ...groups.map((group) => h('div', { 'data-testid': 'subscription' }, `${group.pattern}${group.kind === undefined ? '' : ` · ${group.kind}`} × ${group.count}`)))
}

/** The failures seen on `errors$`, latest first. */
export function renderErrors(into: HTMLElement, errors: readonly DevtoolsErrorRecord[]): void {
  if (errors.length === 0) {
    replaceChildren(into, h('p', { class: 'status' }, 'No errors or drops reported on errors$.'))
    return
  }
  const rows = [...errors].reverse().map((error) =>
    h('tr', { 'data-testid': 'error' }, h('td', {}, clockTime(error.time)), h('td', {}, error.kind), h('td', { class: 'bad' }, error.code), h('td', {}, error.message)),
  )
  replaceChildren(into, h('table', {}, h('thead', {}, h('tr', {}, ...ERROR_COLUMNS.map(([title, says]) => h('th', { title: says }, title)))), h('tbody', {}, ...rows)))
}

/** The jobs of bus `name` whose leader election holds a Web Lock now. */
export async function ledJobs(name: string): Promise<string[]> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks
  if (!locks?.query) return []
  try {
    const snapshot = await locks.query()
    // broadcast-channel names its election lock `pubkey-bc||<method>||<channel>`, and sync's
    // election channel is `crossbus:<bus>:leader:<job>`.
    const marker = leaderLockName(name, '')
    const jobs = new Set<string>()
    for (const lock of snapshot.held ?? []) {
      const at = lock.name?.indexOf(marker) ?? -1
      if (at >= 0) jobs.add(lock.name!.slice(at + marker.length))
    }
    return [...jobs].sort()
  } catch {
    return []
  }
}
