// What a bridge needs once it starts, loaded then with the NATS client: the connection and the
// message codec (CloudEvents JSON). Importing `crossbus/nats` alone costs only the plugin.
export { NatsLink } from './connection'
export { MessageCodec } from './message'
