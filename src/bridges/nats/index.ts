// `crossbus/nats`: the bus bridged to NATS over WebSocket. `@nats-io/nats-core` is loaded only
// when a bridge starts, and `@nats-io/jetstream` only in JetStream mode, so importing this entry
// costs no more than its own code.
export { bridgeNats, NATS_PLUGIN_NAME, type NatsBridge, type NatsBridgeStats, type NatsStatus } from './bridge'
export type { NatsConnectionState } from './connection'
export { NATS_ERROR_CODES, type NatsErrorCode } from './errors'
export type { NatsBridgeOptions, NatsJetStreamOptions } from './options'
export { parseSubject as parseNatsSubject, subjectOf as natsSubject } from './subject'
