import { BusError, type BusEvent } from '../core/index'
import { encodeRequest, modeOf, type EncodedRequest } from './binding'
import { destinationError } from './errors'
import { baseUrl } from './http'
import { isRetryableStatus, parseRetryAfter } from './retry'
import type { DeliveryRequest, DeliveryResult } from './types'

/** Past this a `keepalive` request is refused by the browser (the limit is 64 KiB for all of a page's). */
const KEEPALIVE_MAX_BYTES = 60 * 1024
/** A request that takes longer is abandoned and retried. */
const REQUEST_TIMEOUT_MS = 30_000

/** The `http` provider's delivery: one request of the CloudEvents HTTP binding, its answer classified. */
export async function postEvents(events: readonly BusEvent[], request: DeliveryRequest): Promise<DeliveryResult> {
  let encoded: EncodedRequest
  try {
    encoded = encodeRequest(modeOf(request.destination.mode), events)
  } catch (cause) {
    return { outcome: 'rejected', error: destinationError('DELIVERY_REJECTED', `Destination "${request.destination.id}" cannot take event ${events[0]?.id}: it cannot be encoded as a CloudEvent (${messageOf(cause)}).`, cause) }
  }
  return post(request, encoded)
}

async function post(request: DeliveryRequest, encoded: EncodedRequest): Promise<DeliveryResult> {
  const { destination } = request
  const url = new URL(destination.url!, baseUrl()).href
  const signal = AbortSignal.any([request.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)])
  const keepalive = request.keepalive && (encoded.body?.length ?? 0) <= KEEPALIVE_MAX_BYTES
  let response: Response
  try {
    const headers = new Headers(destination.headers)
    if (destination.getHeaders) for (const [name, value] of new Headers((await destination.getHeaders(destination)) as HeadersInit)) headers.set(name, value)
    for (const [name, value] of Object.entries(encoded.headers)) headers.set(name, value)
    // fetch keeps custom headers across a redirect, to any origin: a request carrying getHeaders
    // does not follow one, so the server cannot send the secret elsewhere.
    const redirect = destination.getHeaders ? 'manual' : 'follow'
    response = await fetch(url, { method: 'POST', headers, body: encoded.body ?? null, signal, keepalive, credentials: 'same-origin', mode: 'cors', redirect })
  } catch (cause) {
    return { outcome: 'retry', error: destinationError('DELIVERY_FAILED', `Destination "${destination.id}": the request to ${url} failed (${messageOf(cause)}); it will be retried.`, cause) }
  }
  releaseBody(response)
  if (response.type === 'opaqueredirect') {
    const error = destinationError('DELIVERY_FAILED', `Destination "${destination.id}": ${url} answered with a redirect, which a request carrying getHeaders does not follow (its headers would go wherever it points); point the url at the final address. It will be retried.`)
    return { outcome: 'retry', error }
  }
  if (response.ok) return { outcome: 'accepted' }
  const what = `${url} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`
  if (isRetryableStatus(response.status)) {
    return {
      outcome: 'retry',
      error: new BusError({ kind: response.status === 429 ? 'RATE_LIMITED' : 'UNAVAILABLE', code: 'DELIVERY_FAILED', retryable: true, message: `Destination "${destination.id}": ${what}; it will be retried.` }),
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), Date.now()),
    }
  }
  return { outcome: 'rejected', error: destinationError('DELIVERY_REJECTED', `Destination "${destination.id}": ${what}; the event is kept in dead letters, not retried.`) }
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause)
}

// An answer's body said to be larger than this is cancelled rather than read: receivers answer
// with a few bytes (or a chunked body of unknown length, read as well).
const SMALL_BODY_BYTES = 64 * 1024

/**
 * Frees the connection for the next request. The body is not needed, but cancelling a small one
 * shows every accepted request as aborted in the browser's network log, so it is read instead.
 */
function releaseBody(response: Response): void {
  const length = Number(response.headers.get('content-length') ?? 0)
  if (length > SMALL_BODY_BYTES) void response.body?.cancel().catch(() => {})
  else void response.arrayBuffer().catch(() => {})
}
