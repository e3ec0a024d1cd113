// What a bridge loads once it starts: the bridge of this context, with the connection (the NATS
// client itself is loaded by it in turn), the message codec, the export log and the identity
// ledger. Importing `crossbus/nats` alone costs only the option checks and the plugin shell.
export { BridgeContext } from './bridge-context'
