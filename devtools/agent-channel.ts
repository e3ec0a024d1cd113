import { currentContextKind, type PeerKind, type PluginHost, type SubscriptionInfo } from '../src/core/index'
import { devtoolsError } from './errors'
import { RateLimit } from './rate-limit'

// The devtools' side channel: a panel asks "who is there?", and every context with devtools (a
// panel or an agent) answers with a report. Any script of the origin can post on it too, so what
// arrives is data to check, and a flood of it is bounded: asks are answered at most a few times a
// second (asks in between share the next answer), reports are read up to a rate, the rest dropped,
// counted and reported once a second.

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

/** How much of the side channel one context handles; the tests lower them. */
export interface ChannelLimits {
  /** Asks taken per second (each panel asks every two seconds while it shows its contexts). */
  readonly asksPerSecond: number
  /** The least time between two answers: asks in between are answered by the next one. */
  readonly answerGapMs: number
  /** Reports read per second: one per context of the origin per ask. */
  readonly reportsPerSecond: number
  readonly now: () => number
}

export const DEFAULT_LIMITS: ChannelLimits = { asksPerSecond: 50, answerGapMs: 250, reportsPerSecond: 2_000, now: Date.now }

// A report past these is no devtools' (sync lists at most 1,024 other contexts, names are bounded).
const MAX_GROUPS = 1_000
const MAX_TEXT = 4_096

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

/** A channel end: `dropped` counts what the rate limit turned away. */
export interface ChannelEnd {
  readonly dropped: number
  close(): void
}

/**
 * Answers the devtools of other contexts (the in-page panel of another tab, the standalone page)
 * when they ask who is there and what it subscribes to. Asks over the limit are dropped and
 * reported on the bus's `errors$` (`DEVTOOLS_RATE_LIMITED`), once a second at most.
 */
export function answerDevtools(host: PluginHost, limits: ChannelLimits = DEFAULT_LIMITS): ChannelEnd {
  if (typeof BroadcastChannel !== 'function') return { dropped: 0, close: () => {} }
  const channel = new BroadcastChannel(agentChannelName(host.name))
  const asks = new RateLimit(limits.asksPerSecond, 1_000, (count) => host.report(rateLimited(count, 'asks', host.name, limits.asksPerSecond)), limits.now)
  let lastAnswer = Number.NEGATIVE_INFINITY
  let pending: ReturnType<typeof setTimeout> | undefined
  const answer = () => {
    pending = undefined
    lastAnswer = limits.now()
    if (!host.closed) channel.postMessage(reportOf(host))
  }
  channel.onmessage = (message: MessageEvent<unknown>) => {
    if (!isMessage(message.data) || message.data.type !== 'ask' || host.closed || !asks.take() || pending !== undefined) return
    const wait = lastAnswer + limits.answerGapMs - limits.now()
    if (wait <= 0) answer()
    else pending = setTimeout(answer, wait)
  }
  return {
    get dropped() {
      return asks.droppedTotal
    },
    close() {
      clearTimeout(pending)
      asks.close()
      channel.onmessage = null
      channel.close()
    },
  }
}

/**
 * Asks every context with devtools of the bus `busName` to describe itself; `heard` gets each
 * answer (checked: another context's message is data, never trusted). Reports over the limit are
 * dropped, and `dropped` is told their number once a second at most.
 */
export function askContexts(
  busName: string,
  heard: (report: ContextReport) => void,
  dropped: (count: number) => void,
  limits: ChannelLimits = DEFAULT_LIMITS,
): ChannelEnd & { ask(): void } {
  if (typeof BroadcastChannel !== 'function') return { dropped: 0, ask: () => {}, close: () => {} }
  const channel = new BroadcastChannel(agentChannelName(busName))
  const reports = new RateLimit(limits.reportsPerSecond, 1_000, dropped, limits.now)
  channel.onmessage = (message: MessageEvent<unknown>) => {
    const data = message.data
    if (isMessage(data) && data.type === 'context' && reports.take() && isReport(data)) heard(data)
  }
  return {
    get dropped() {
      return reports.droppedTotal
    },
    ask: () => channel.postMessage({ crossbusDevtools: 1, type: 'ask' } satisfies AgentMessage),
    close: () => {
      reports.close()
      channel.onmessage = null
      channel.close()
    },
  }
}

/** The failure a context reports for messages its limit dropped. */
export function rateLimited(count: number, what: 'asks' | 'reports', busName: string, perSecond: number) {
  return devtoolsError(
    'DEVTOOLS_RATE_LIMITED',
    `${count} devtools ${what} on the side channel of the bus "${busName}" were dropped: over ${perSecond} a second. Panels ask every few seconds; a flood comes from another script of this origin.`,
  )
}

function reportOf(host: PluginHost): AgentMessage {
  return { crossbusDevtools: 1, type: 'context', origin: host.origin, kind: currentContextKind() ?? 'other', label: contextLabel(), subscriptions: groupSubscriptions(host.subscriptions()) }
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

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_TEXT
}

function isReport(value: AgentMessage & { type: 'context' }): boolean {
  const { origin, kind, label, subscriptions } = value
  return (
    isText(origin) &&
    isText(kind) &&
    isText(label) &&
    Array.isArray(subscriptions) &&
    subscriptions.length <= MAX_GROUPS &&
    subscriptions.every((group: unknown) => {
      const { pattern, kind: kindFilter, count } = (group ?? {}) as Record<string, unknown>
      return isText(pattern) && (kindFilter === undefined || isText(kindFilter)) && typeof count === 'number'
    })
  )
}
