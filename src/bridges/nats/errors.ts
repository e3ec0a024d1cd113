import { errorMaker, type ErrorCodeTable } from '../../core/index'

/**
 * The conditions the NATS bridge throws or reports; every code starts with `NATS_`. They reach
 * `bus.errors$` like any other failure; the refused messages (`NATS_MALFORMED_MESSAGE`,
 * `NATS_MESSAGE_TOO_LARGE`, `NATS_IDENTITY_CONFLICT`) also count in `bus.stats().dropped`, and
 * `NATS_EVENTS_MISSED` in `bus.stats().gaps`.
 */
export const NATS_ERROR_CODES = {
  /** Bad options of `bridgeNats` (thrown by it): a server that is no ws(s):// URL, a malformed filter, an unknown option. */
  NATS_INVALID: { kind: 'INVALID', retryable: false },
  /** A message from NATS that is no CloudEvent of its subject (bad JSON, bad UTF-8, wrong subject, an id that is not its origin and seq). */
  NATS_MALFORMED_MESSAGE: { kind: 'INVALID', retryable: false },
  /** A message from NATS larger than `maxMessageBytes`. */
  NATS_MESSAGE_TOO_LARGE: { kind: 'INVALID', retryable: false },
  /**
   * A message claiming the identity of an event this bus has with other content, or an event of a
   * context of this origin that it never sent: refused. One of the two is forged (see the guide).
   */
  NATS_IDENTITY_CONFLICT: { kind: 'CONFLICT', retryable: false },
  /** Messages a remote bridge published that never arrived here (core NATS keeps nothing for a subscriber that is away); the message says how many. */
  NATS_EVENTS_MISSED: { kind: 'UNAVAILABLE', retryable: false },
  /** An event that could not be published: not JSON-serialisable, or over the server's max payload. */
  NATS_EXPORT_FAILED: { kind: 'INVALID', retryable: false },
  /** `maxQueuedEvents` events already wait for the connection: later ones are not exported. */
  NATS_QUEUE_FULL: { kind: 'UNAVAILABLE', retryable: true },
  /** The NATS client cannot run here: `@nats-io/nats-core` is not installed, or there is no WebSocket. */
  NATS_UNAVAILABLE: { kind: 'UNAVAILABLE', retryable: false },
  /** JetStream mode cannot run: the server has no JetStream (start it with `nats-server -js`), or `@nats-io/jetstream` is not installed. */
  NATS_JETSTREAM_UNAVAILABLE: { kind: 'UNAVAILABLE', retryable: false },
  /** JetStream mode's stream is missing and this user may not create it, or it does not capture the bridge's subjects: the message gives the config to add. */
  NATS_STREAM_UNAVAILABLE: { kind: 'UNAVAILABLE', retryable: false },
  /** The connection closed for good (refused credentials, a protocol error), or the bridge closed before it connected. */
  NATS_CONNECTION_CLOSED: { kind: 'UNAVAILABLE', retryable: true },
} as const satisfies ErrorCodeTable

export type NatsErrorCode = keyof typeof NATS_ERROR_CODES

export const natsError = /* @__PURE__ */ errorMaker(NATS_ERROR_CODES)
