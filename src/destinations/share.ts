import { BusError, type BusErrorKind } from '../core/index'
import type { DestinationStatus } from './types'
import { destinationsChannelName } from '../shared/names'

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

/**
 * The channel's name: any script of the origin can post on it, so what arrives is read with
 * {@link readShareMessage}, never trusted.
 */
export function shareChannelName(busName: string): string {
  return destinationsChannelName(busName)
}

/**
 * Opens the channel. Messages of the right shape go to `receive`; anything else (a forgery, a
 * stray script, another version of the library) goes to `refuse` with what is wrong with it.
 */
export function openShare(busName: string, receive: (message: ShareMessage) => void, refuse: (why: string) => void): Share {
  if (typeof BroadcastChannel !== 'function') return { post() {}, close() {} }
  const channel = new BroadcastChannel(shareChannelName(busName))
  channel.onmessage = (message: MessageEvent<unknown>) => {
    const read = readShareMessage(message.data)
    if (typeof read === 'string') refuse(read)
    else receive(read)
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

const PAUSED: readonly unknown[] = [undefined, 'offline', 'no-headers']

/**
 * A message as received on the channel: the `ShareMessage` it is, checked field by field, or what
 * is wrong with it. A message that passes cannot make the receiver throw.
 */
export function readShareMessage(data: unknown): ShareMessage | string {
  const type = isRecord(data) ? data['type'] : undefined
  if (type === 'config' || type === 'ask-status') return { type }
  if (type === 'queued') {
    const ids = (data as Record<string, unknown>)['ids']
    return Array.isArray(ids) && ids.every((id) => typeof id === 'string') ? { type, ids: [...ids] } : 'a "queued" message needs ids, an array of destination ids'
  }
  if (type === 'status') {
    const given = (data as Record<string, unknown>)['statuses']
    const statuses = Array.isArray(given) ? given.map(readStatus) : []
    return Array.isArray(given) && statuses.every(Boolean) ? { type, statuses: statuses as SharedStatus[] } : 'a "status" message needs statuses, an array of destination statuses'
  }
  return `a message is an object with a known type, got ${isRecord(data) ? `type ${String(JSON.stringify(type)).slice(0, 40)}` : data === null ? 'null' : typeof data}`
}

/** A well-formed status with only the fields of one (nothing else a sender put in crosses into `status$`), or `undefined`. */
function readStatus(status: unknown): SharedStatus | undefined {
  if (!isRecord(status)) return undefined
  const { id, pending, delivered, failed, nextRetryAt, paused, lastError: error } = status
  const count = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0
  if (typeof id !== 'string' || id === '' || !count(pending) || !count(delivered) || !count(failed) || !PAUSED.includes(paused)) return undefined
  if (nextRetryAt !== undefined && !Number.isFinite(nextRetryAt)) return undefined
  if (error !== undefined && !(isRecord(error) && [error['kind'], error['code'], error['message']].every((field) => typeof field === 'string') && [undefined, true, false].includes(error['retryable'] as boolean))) return undefined
  const lastError = isRecord(error) ? { kind: error['kind'] as string, code: error['code'] as string, message: error['message'] as string, retryable: error['retryable'] as boolean | undefined } : undefined
  return { id, pending: pending as number, delivered: delivered as number, failed: failed as number, nextRetryAt: nextRetryAt as number | undefined, paused: paused as SharedStatus['paused'], lastError }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
