import { BusError, isRecord, type BusErrorKind, type BusEvent } from '../core/index'
import { requestError } from './errors'

// The protocol as ordinary events on the request's system, each kind the request's kind plus a verb:
//   <kind>          requester → all       the request itself: its data, its path; its `id` names it
//   <kind>.claim    handler   → requester { request }          "I can answer": one per handler
//   <kind>.grant    requester → handlers  { request, claim }   the first claim wins, the rest stay silent
//   <kind>.reply    handler   → requester { request, reply } or { request, error }
//   <kind>.cancel   requester → handler   { request }          aborted or timed out: stop
export type Verb = 'claim' | 'grant' | 'reply' | 'cancel'
const VERBS: readonly string[] = ['claim', 'grant', 'reply', 'cancel']

/** A protocol event read: which verb, of which request kind, about which request. */
export interface ProtocolMessage {
  readonly verb: Verb
  /** The request's kind (the event's kind without the verb). */
  readonly kind: string
  readonly request: string
  readonly data: Record<string, unknown>
}

export const verbKind = (kind: string, verb: Verb): string => `${kind}.${verb}`

/** The protocol message an event is, or `undefined` for any other event (most of them: this is cheap). */
export function readProtocol(event: BusEvent): ProtocolMessage | undefined {
  const data = event.data
  if (!isRecord(data) || typeof data.request !== 'string') return undefined
  const dot = event.kind.lastIndexOf('.')
  const verb = event.kind.slice(dot + 1)
  if (dot < 1 || !VERBS.includes(verb)) return undefined
  return { verb: verb as Verb, kind: event.kind.slice(0, dot), request: data.request, data }
}

/** A handler's failure as it travels: a `BusError` keeps its code, kind and `retryable`. */
export interface WireError {
  readonly message: string
  readonly code?: string
  readonly kind?: BusErrorKind
  readonly retryable?: boolean
}

export function toWireError(cause: unknown): WireError {
  if (cause instanceof BusError) return { message: cause.message, code: cause.code, kind: cause.kind, ...(cause.retryable === undefined ? {} : { retryable: cause.retryable }) }
  if (cause instanceof Error) return { message: cause.message === '' ? cause.name : cause.message }
  return { message: String(cause) }
}

/** The requester's error for a failed reply: the handler's `BusError` as it was, else `REQUEST_FAILED` with its message. */
export function fromWireError(error: unknown): BusError {
  if (!isRecord(error) || typeof error.message !== 'string') return requestError('REQUEST_FAILED', 'The handler failed without saying why.')
  if (typeof error.code === 'string' && typeof error.kind === 'string') {
    return new BusError({ code: error.code, kind: error.kind as BusErrorKind, message: error.message, retryable: typeof error.retryable === 'boolean' ? error.retryable : undefined })
  }
  return requestError('REQUEST_FAILED', error.message)
}
