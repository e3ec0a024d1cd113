import { currentContextKind, type BusPlugin, type PeerKind, type PluginHost, type SubscriptionInfo } from '../src/core/index'

/** Subscriptions of one pattern and kind filter in one context. */
export interface SubscriptionGroup {
  readonly pattern: string
  readonly kind: string | undefined
  readonly count: number
}

/** What a context with devtools (a panel or an agent) says about itself. */
export interface ContextReport {
  readonly origin: string
  readonly kind: PeerKind
  /** A readable name: the page's title or path, the worker's name. */
  readonly label: string
  readonly subscriptions: readonly SubscriptionGroup[]
}

type AgentMessage = { readonly crossbusDevtools: 1; readonly type: 'ask' } | ({ readonly crossbusDevtools: 1; readonly type: 'context' } & ContextReport)

/** The side channel of the devtools, apart from the bus's own so that the bus never sees it. */
export function agentChannelName(busName: string): string {
  return `crossbus-devtools:${busName}`
}

/** Groups open subscriptions by pattern and kind filter, most numerous first. */
export function groupSubscriptions(subscriptions: Iterable<SubscriptionInfo>): SubscriptionGroup[] {
  const groups = new Map<string, { pattern: string; kind: string | undefined; count: number }>()
  for (const { pattern, kind } of subscriptions) {
    const key = `${pattern}\u0000${kind ?? ''}`
    const group = groups.get(key)
    if (group) group.count++
    else groups.set(key, { pattern, kind, count: 1 })
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || (a.pattern < b.pattern ? -1 : 1))
}

/**
 * Answers the devtools of other contexts (the in-page panel of another tab, the standalone page)
 * when they ask who is there and what it subscribes to. Returns a function that stops answering.
 */
export function answerDevtools(host: PluginHost): () => void {
  if (typeof BroadcastChannel !== 'function') return () => {}
  const channel = new BroadcastChannel(agentChannelName(host.name))
  channel.onmessage = (message: MessageEvent<unknown>) => {
    if (!isMessage(message.data) || message.data.type !== 'ask' || host.closed) return
    const report: AgentMessage = {
      crossbusDevtools: 1,
      type: 'context',
      origin: host.origin,
      kind: currentContextKind() ?? 'other',
      label: contextLabel(),
      subscriptions: groupSubscriptions(host.subscriptions()),
    }
    channel.postMessage(report)
  }
  return () => {
    channel.onmessage = null
    channel.close()
  }
}

/**
 * Asks every context with devtools of the bus `busName` to describe itself; `heard` gets each
 * answer (checked: another context's message is data, never trusted). Returns `ask` and `close`.
 */
export function askContexts(busName: string, heard: (report: ContextReport) => void): { ask(): void; close(): void } {
  if (typeof BroadcastChannel !== 'function') return { ask: () => {}, close: () => {} }
  const channel = new BroadcastChannel(agentChannelName(busName))
  channel.onmessage = (message: MessageEvent<unknown>) => {
    const data = message.data
    if (isMessage(data) && data.type === 'context' && isReport(data)) heard(data)
  }
  return {
    ask: () => channel.postMessage({ crossbusDevtools: 1, type: 'ask' } satisfies AgentMessage),
    close: () => {
      channel.onmessage = null
      channel.close()
    },
  }
}

/**
 * A plugin that lets the devtools of other contexts see this one's subscriptions, for contexts
 * that have no panel: workers, frames, or tabs where the panel is not mounted. It records nothing.
 *
 * @example
 * // inventory.worker.ts
 * import { createBus } from 'crossbus'
 * import { devtoolsAgent } from 'crossbus/devtools'
 * const bus = createBus({ name: 'shop', plugins: [devtoolsAgent()] })
 */
/* @__NO_SIDE_EFFECTS__ */
export function devtoolsAgent(): BusPlugin {
  return {
    name: 'devtools-agent',
    setup(host) {
      const stop = answerDevtools(host)
      return { close: stop }
    },
  }
}

function contextLabel(): string {
  const scope = globalThis as { document?: { title?: string }; location?: { pathname?: string }; name?: unknown }
  const title = scope.document?.title
  if (title) return title
  if (typeof scope.name === 'string' && scope.name !== '') return scope.name
  return scope.location?.pathname ?? 'unknown'
}

function isMessage(value: unknown): value is AgentMessage {
  return typeof value === 'object' && value !== null && (value as { crossbusDevtools?: unknown }).crossbusDevtools === 1
}

function isReport(value: AgentMessage & { type: 'context' }): boolean {
  const { origin, kind, label, subscriptions } = value
  return (
    typeof origin === 'string' &&
    typeof kind === 'string' &&
    typeof label === 'string' &&
    Array.isArray(subscriptions) &&
    subscriptions.every((group: unknown) => {
      const { pattern, kind: kindFilter, count } = (group ?? {}) as Record<string, unknown>
      return typeof pattern === 'string' && (kindFilter === undefined || typeof kindFilter === 'string') && typeof count === 'number'
    })
  )
}
