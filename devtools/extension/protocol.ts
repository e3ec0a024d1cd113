// What the extension's parts say to each other. The page's hook and the relay (the content script
// in the isolated world) talk through DOM events on `document` whose detail is a JSON string (a
// string crosses between worlds as it is); the relay and the panel through a runtime port. Both
// legs carry the same messages. Anything from the page is data: the panel checks its shape.
import type { ContextReport } from '../agent-channel'

/** DOM event the page's hook dispatches, detail a JSON `PageMessage`. */
export const FROM_PAGE = 'crossbus-devtools:page'
/** DOM event the relay dispatches to the hook, detail a JSON `PanelMessage`. */
export const TO_PAGE = 'crossbus-devtools:panel'
/** The runtime port's name, panel to relay. */
export const PORT_NAME = 'crossbus-panel'

/** A bus alive in the page: its name and instance id. */
export interface BusInfo {
  readonly name: string
  readonly origin: string
}

/** An event as it crossed: the event with its data encoded (see wire.ts) and its provenance. */
export interface WireRecord {
  readonly event: { readonly id: string; readonly system: string; readonly kind: string; readonly path: string; readonly data: unknown; readonly time: number; readonly origin: string; readonly seq: number }
  readonly arrival: string
  readonly from: string
  readonly bridge: string | undefined
}

export interface WirePeer {
  readonly origin: string
  readonly kind: string
  readonly since: number
  readonly self: boolean
}

export interface WireSubscription {
  readonly id: number
  readonly pattern: string
  readonly kind: string | undefined
  readonly replay: boolean
}

export interface WireError {
  readonly kind: string
  readonly code: string
  readonly message: string
}

/** Page (hook) to panel. */
export type PageMessage =
  | { readonly type: 'buses'; readonly buses: readonly BusInfo[] }
  /** The agent attached to `bus`; `pageOrigin` is the page's web origin (the other tabs of it are asked to answer). */
  | { readonly type: 'attached'; readonly bus: BusInfo; readonly pageOrigin: string }
  /** The bus's stored history (`error` when it keeps none); `asked` when the panel's button asked for it. */
  | { readonly type: 'history'; readonly records: readonly WireRecord[]; readonly asked: boolean; readonly error?: WireError }
  | { readonly type: 'events'; readonly records: readonly WireRecord[]; readonly dropped: number }
  | { readonly type: 'peers'; readonly peers: readonly WirePeer[] }
  | { readonly type: 'subscriptions'; readonly subscriptions: readonly WireSubscription[] }
  | { readonly type: 'error'; readonly error: WireError }
  | { readonly type: 'sent'; readonly request: number; readonly id?: string; readonly error?: WireError }
  /** A context's answer on the devtools side channel; `leaders`: the jobs of the bus led now (the page's Web Locks). */
  | { readonly type: 'report'; readonly report: ContextReport }
  | { readonly type: 'leaders'; readonly jobs: readonly string[] }
  | { readonly type: 'closed' }

/** Panel to page (hook). */
export type PanelMessage =
  | { readonly type: 'list' }
  | { readonly type: 'attach'; readonly origin: string }
  | { readonly type: 'detach' }
  | { readonly type: 'history' }
  | { readonly type: 'send'; readonly request: number; readonly system: string; readonly kind: string; readonly path: string; readonly data: unknown }
  | { readonly type: 'ask' }
  /** Answer the devtools' asks for the buses of this name (another tab's panel looks at it): see AnswerRequest. */
  | { readonly type: 'answer'; readonly name: string }

/**
 * What a panel sends every tab (tabs.sendMessage: the relay of a page with a bus of `origin` takes
 * it, any other ignores it): answer the devtools' asks for bus `name`, so that the contexts tab
 * knows the subscriptions of the other tabs too. It holds for `ANSWER_FOR_MS`; an open panel renews it.
 */
export interface AnswerRequest {
  readonly type: 'crossbus-answer'
  readonly origin: string
  readonly name: string
}

/** What the relay tells the extension's pages when its page made its first bus: a panel waiting for that tab connects. */
export const PAGE_HAS_BUS = 'crossbus-page-has-bus'

export const ANSWER_FOR_MS = 60_000
export const RENEW_ANSWERS_EVERY_MS = 20_000

/** A message's `type`, if it is an object with a string one; anything else is not ours. */
export function typeOf(message: unknown): string | undefined {
  const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined
  return typeof type === 'string' ? type : undefined
}

/** Parses a JSON detail; `undefined` for what is not JSON. */
export function parseDetail(detail: unknown): unknown {
  if (typeof detail !== 'string') return undefined
  try {
    return JSON.parse(detail)
  } catch {
    return undefined
  }
}
