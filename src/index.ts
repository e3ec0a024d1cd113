export { createBus } from './core/bus'
export type { Bus, BusHandle, BusOptions, BusStats } from './core/bus'
export { BusError } from './core/errors'
export type { BusErrorCode, BusErrorInit, BusErrorKind } from './core/errors'
export type { AnyEventMap, AnyEventOf, BusEvent, EventMap, EventOf, KindOf, SystemOf } from './core/event'
export type { Channel, Received } from './core/channel'
export { BusSubscription } from './core/subscription'
export type { Policy, PolicyAction, PolicyRules } from './core/policy'
export {
  CLOUDEVENTS_BATCH_CONTENT_TYPE,
  CLOUDEVENTS_CONTENT_TYPE,
  EXTERNAL_ORIGIN,
  fromCloudEvent,
  fromCloudEventBatch,
  toCloudEvent,
  toCloudEventBatch,
} from './cloudevents/index'
export type { CloudEventJson } from './cloudevents/index'
export type { HistoryQuery, ReplayOptions, ReplaySpec, SubscribeOptions } from './replay/index'
export type { Peer, PeerKind } from './sync/index'
