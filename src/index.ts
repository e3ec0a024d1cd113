export { createBus } from './create-bus'
export type { BusOptions } from './create-bus'
export type {
  AnyEventMap,
  AnyEventOf,
  Arrival,
  AttachedPlugin,
  Bus,
  BusErrorCode,
  BusErrorInit,
  BusErrorKind,
  BusEvent,
  BusHandle,
  BusPlugin,
  BusStats,
  BusSubscription,
  Channel,
  CoreBusOptions,
  DataArgs,
  ErrorCodeTable,
  EventMap,
  EventOf,
  EventsMatching,
  HistoryQuery,
  HistoryRead,
  HistoryService,
  KindArg,
  KindOf,
  KnownErrorCode,
  Peer,
  PeerKind,
  PluginHooks,
  PluginHost,
  Policy,
  PolicyAction,
  PolicyRules,
  PresenceService,
  Provenance,
  Received,
  ReplaySpec,
  SubscribeOptions,
  SubscriptionInfo,
  SystemOf,
  SystemPatternArg,
  SystemRange,
} from './core/index'
export { BusError, ERROR_CODES, errorMaker } from './core/index'
export {
  CLOUDEVENT_ERROR_CODES,
  CLOUDEVENTS_BATCH_CONTENT_TYPE,
  CLOUDEVENTS_CONTENT_TYPE,
  EXTERNAL_ORIGIN,
  fromCloudEvent,
  fromCloudEventBatch,
  toCloudEvent,
  toCloudEventBatch,
} from './cloudevents/index'
export type { CloudEventErrorCode, CloudEventJson } from './cloudevents/index'
export { sync } from './sync/index'
export type { SyncOptions } from './sync/index'
export { replay } from './replay/index'
export type { ReplayOptions } from './replay/index'
