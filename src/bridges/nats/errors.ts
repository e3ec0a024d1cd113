import { errorMaker, type ErrorCodeTable } from '../../core/index'

/**
 * The conditions the NATS bridge reports or throws, beyond crossbus's own codes. They reach
 * `bus.errors$` like any other failure; `NATS_MALFORMED_MESSAGE` and `NATS_MESSAGE_TOO_LARGE`
 * also count in `bus.stats().dropped`.
 */
export const NATS_ERROR_CODES = {
  /** A message from NATS that is no CloudEvent of its subject (bad JSON, bad UTF-8, wrong subject). */
  NATS_MALFORMED_MESSAGE: { kind: 'INVALID', retryable: false },
  /** A message from NATS larger than `maxMessageBytes`. */
  NATS_MESSAGE_TOO_LARGE: { kind: 'INVALID', retryable: false },
  /** An event that could not be published: not JSON-serialisable, or over the server's max payload. */
  NATS_EXPORT_FAILED: { kind: 'INVALID', retryable: false },
  /** `queueBound` events already wait for the connection: later ones are not exported. */
  NATS_QUEUE_FULL: { kind: 'UNAVAILABLE', retryable: true },
  /** The NATS client cannot run here: `@nats-io/nats-core` is not installed, or there is no WebSocket. */
  NATS_UNAVAILABLE: { kind: 'UNAVAILABLE', retryable: false },
  /** The connection closed for good (refused credentials, a protocol error). */
  NATS_CONNECTION_CLOSED: { kind: 'UNAVAILABLE', retryable: true },
} as const satisfies ErrorCodeTable

export type NatsErrorCode = keyof typeof NATS_ERROR_CODES

export const natsError = /* @__PURE__ */ errorMaker(NATS_ERROR_CODES)
