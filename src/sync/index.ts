export { sync } from './sync'
export type { SyncEnvironment, SyncOptions } from './sync'
export type { OpenTransport, Transport } from './transport'
export type { Envelope, PeerKind } from './envelope'
