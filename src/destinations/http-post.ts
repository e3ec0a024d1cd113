import { BusError, describeError, type BusEvent } from '../core/index'
import { encodeRequest, modeOf, type EncodedRequest } from './binding'
import { destinationError } from './errors'
import { baseUrl } from './http'
import { isRetryableStatus, parseRetryAfter } from './retry'
import type { DeliveryRequest, DeliveryResult } from './types'
import { pageWebOrigin, webOriginOf } from './url-policy'

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
    return { outcome: 'rejected', error: destinationError('DESTINATION_DELIVERY_REJECTED', `Destination "${request.destination.id}" cannot take event ${events[0]?.id}: it cannot be encoded as a CloudEvent (${describeError(cause)}).`, cause) }
  }
  return post(request, encoded)
}

async function post(request: DeliveryRequest, encoded: EncodedRequest): Promise<DeliveryResult> {
  const { destination } = request
  const url = new URL(destination.url!, baseUrl()).href
  const signal = AbortSignal.any([request.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)])
  const keepalive = request.keepalive && (encoded.body?.length ?? 0) <= KEEPALIVE_MAX_BYTES
  // fetch keeps custom headers across a redirect, to any origin: a request carrying headers of its
  // own (static or from getHeaders, alike) follows none, so the server cannot send them elsewhere.
  const ownHeaders = destination.getHeaders !== undefined || Object.keys(destination.headers ?? {}).length > 0
  let response: Response
  const headers = new Headers(destination.headers)
  try {
    if (destination.getHeaders) for (const [name, value] of new Headers((await destination.getHeaders(destination)) as HeadersInit)) headers.set(name, value)
  } catch (cause) {
    return { outcome: 'retry', error: destinationError('DESTINATION_DELIVERY_FAILED', `Destination "${destination.id}": its getHeaders failed (${describeError(cause)}); it will be retried.`, cause) }
  }
  for (const [name, value] of Object.entries(encoded.headers)) headers.set(name, value)
  try {
    response = await fetch(url, { method: 'POST', headers, body: encoded.body ?? null, signal, keepalive, credentials: 'same-origin', mode: 'cors', redirect: ownHeaders ? 'manual' : 'follow' })
  } catch (cause) {
    const hint = cause instanceof TypeError ? corsHint(url, headers) : ''
    return { outcome: 'retry', error: destinationError('DESTINATION_DELIVERY_FAILED', `Destination "${destination.id}": the request to ${url} failed (${describeError(cause)}); it will be retried.${hint}`, cause) }
  }
  releaseBody(response)
  if (response.type === 'opaqueredirect') {
    const error = destinationError(
      'DESTINATION_DELIVERY_FAILED',
      `Destination "${destination.id}": ${url} answered with a redirect, which a request carrying headers of its own (headers or getHeaders) does not follow (they would go wherever it points); point the url at the final address. It will be retried.`,
    )
    return { outcome: 'retry', error }
  }
  if (response.ok) return { outcome: 'accepted' }
  const what = `${url} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`
  if (isRetryableStatus(response.status)) {
    const error = destinationError('DESTINATION_DELIVERY_FAILED', `Destination "${destination.id}": ${what}; it will be retried.`)
    return {
      outcome: 'retry',
      // A receiver that asks to slow down says so in the kind: the code stays the one of the table.
      error: response.status === 429 ? new BusError({ kind: 'RATE_LIMITED', code: error.code, retryable: true, message: error.message }) : error,
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), Date.now()),
    }
  }
  return { outcome: 'rejected', error: destinationError('DESTINATION_DELIVERY_REJECTED', `Destination "${destination.id}": ${what}; the event is kept in dead letters, not retried.`) }
}

/**
 * fetch fails with a bare TypeError ("Failed to fetch") both when the network is down and when
 * the browser blocks a cross-origin request at its CORS preflight, and a page cannot tell which.
 * For a url on another web origin the second is likely: say what the receiver must allow.
 */
export function corsHint(url: string, headers: Headers): string {
  const page = pageWebOrigin()
  const target = webOriginOf(url)
  if (page === undefined || target === undefined || target === page) return ''
  const names = [...headers.keys()].join(', ')
  return (
    ` ${url} is on another web origin than this page (${page}), so this is likely CORS: the browser asks the receiver first (a preflight OPTIONS request)` +
    ` and blocks the request unless it answers with Access-Control-Allow-Origin: ${page}, Access-Control-Allow-Methods: POST,` +
    ` Access-Control-Allow-Headers: ${names} (the CloudEvents content type, application/cloudevents+json or its batch or binary form, needs it),` +
    ` and, for Retry-After to be read, Access-Control-Expose-Headers: Retry-After. Or send to a path of this origin that proxies to the receiver (Vite: server.proxy).`
  )
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
