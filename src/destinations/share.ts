import { BusError, type BusErrorKind } from '../core/errors'
import type { DestinationStatus } from './types'

/** What the contexts of one bus name tell each other about destinations. */
export type ShareMessage =
  /** The configuration changed in the database: read it again. */
  | { readonly type: 'config' }
  /** Events were queued for these destinations: the leader delivers them. */
  | { readonly type: 'queued'; readonly ids: readonly string[] }
  /** The leader's view of every destination. */
  | { readonly type: 'status'; readonly statuses: readonly SharedStatus[] }
  /** A context started and wants the leader's status. */
  | { readonly type: 'ask-status' }

/** A status as it crosses contexts: structured cloning keeps an `Error`'s message, not its other fields. */
export type SharedStatus = Omit<DestinationStatus, 'lastError'> & { readonly lastError: PlainError | undefined }

interface PlainError {
  readonly kind: string
  readonly code: string
  readonly message: string
  readonly retryable: boolean | undefined
}

export function toShared(status: DestinationStatus): SharedStatus {
  const error = status.lastError
  return { ...status, lastError: error && { kind: error.kind, code: String(error.code), message: error.message, retryable: error.retryable } }
}

export function fromShared(status: SharedStatus): DestinationStatus {
  const error = status.lastError
  return { ...status, lastError: error && new BusError({ kind: error.kind as BusErrorKind, code: error.code, message: error.message, retryable: error.retryable }) }
}

/** A channel to the other contexts of the origin; nothing outside a browser, where a bus is alone. */
export interface Share {
  post(message: ShareMessage): void
  close(): void
}

export function openShare(busName: string, receive: (message: ShareMessage) => void): Share {
  if (typeof BroadcastChannel !== 'function') return { post() {}, close() {} }
  const channel = new BroadcastChannel(`crossbus-destinations:${busName}`)
  channel.onmessage = (message: MessageEvent<unknown>) => {
    const data = message.data
    // Only this module posts here; anything else (another version, a stray script) is ignored.
    if (typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string') receive(data as ShareMessage)
  }
  return {
    post(message) {
      try {
        channel.postMessage(message)
      } catch {
        // Closed meanwhile: nothing left to tell.
      }
    },
    close: () => channel.close(),
  }
}
