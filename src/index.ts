export { createBus } from './create-bus'
export type { BusOptions } from './create-bus'
export type { Bus, BusHandle, BusStats, CoreBusOptions } from './core/bus'
export { BusError, ERROR_CODES, errorMaker } from './core/errors'
export type { BusErrorCode, BusErrorInit, BusErrorKind, ErrorCodeTable, KnownErrorCode } from './core/errors'
export type { AnyEventMap, AnyEventOf, BusEvent, EventMap, EventOf, KindOf, SystemOf } from './core/event'
export type { Channel, Received } from './core/channel'
export type { BusSubscription } from './core/subscription'
export type { Policy, PolicyAction, PolicyRules } from './core/policy'
export type { HistoryQuery, ReplaySpec, SubscribeOptions } from './core/history-query'
export type {
  Arrival,
  AttachedPlugin,
  BusPlugin,
  HistoryRead,
  HistoryService,
  Peer,
  PeerKind,
  PluginHooks,
  PluginHost,
  PresenceService,
  Provenance,
  SubscriptionInfo,
} from './core/plugin'
export type { SystemRange } from './core/system-range'
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
export { sync } from './sync/index'
export type { SyncOptions } from './sync/index'
export { replay } from './replay/index'
export type { ReplayOptions } from './replay/index'
