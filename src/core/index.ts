// `crossbus/core`: the bus with no plugin built in. Add `sync()` from `crossbus/sync` and
// `replay()` from `crossbus/replay` (or your own plugins) to pay only for what the app uses.
export { createBus, type Bus, type BusHandle, type BusStats, type CoreBusOptions } from './bus'
export { BusError, ERROR_CODES, errorMaker } from './errors'
export type { BusErrorCode, BusErrorInit, BusErrorKind, ErrorCodeTable, KnownErrorCode } from './errors'
export type { AnyEventMap, AnyEventOf, BusEvent, EventMap, EventOf, KindOf, SystemOf } from './event'
export type { Channel, Received } from './channel'
export type { BusSubscription } from './subscription'
export type { Policy, PolicyAction, PolicyRules } from './policy'
export type { HistoryQuery, ReplaySpec, SubscribeOptions } from './history-query'
export type * from './plugin'
export type { SystemRange } from './system-range'
