// `crossbus/core`: the bus with no plugin built in. Add `sync()` from `crossbus/sync` and
// `replay()` from `crossbus/replay` (or your own plugins) to pay only for what the app uses.
// It is also the plugin kit: everything a first-party module uses from core is exported here,
// and modules outside `src/core` import core only through this file (`npm test` checks it).
export { CORE_OPTIONS, createBus, type Bus, type BusHandle, type BusStats, type CoreBusOptions } from './bus'
export { BusError, ERROR_CODES, busError, errorMaker } from './errors'
export type { BusErrorCode, BusErrorInit, BusErrorKind, ErrorCodeTable, KnownErrorCode } from './errors'
export type { AnyEventMap, AnyEventOf, BusEvent, DataArgs, EventMap, EventOf, KindOf, SystemOf } from './event'
export type { EventsMatching, KindArg, SystemPatternArg } from './pattern-types'
export type { Channel, Received } from './channel'
export type { BusSubscription } from './subscription'
export type { Policy, PolicyAction, PolicyRules } from './policy'
export type { HistoryQuery, ReplaySpec, SubscribeOptions } from './history-query'
export type * from './requests'
export type * from './plugin'
export { disjointRanges, inSystemRanges, systemRangesOf, type SystemRange } from './system-range'

// The plugin kit.
export type { ModuleHandle } from './module-handle'
export { compileEventFilter, type EventFilter, type EventTest } from './event-filter'
export { compilePattern, MAX_PATTERN_LENGTH, type Pattern } from './pattern'
export { checkOptions } from './options'
export { identityOf } from './identity'
export { isRecord, isSeq } from './guards'
export { checkKind, checkPath, checkSystem, describeError, describeValue, GLOB_CHARS, isEventTime, MAX_IDENTITY_LENGTH, MAX_NAME_LENGTH, MAX_PATH_LENGTH } from './validate'
export { currentContextKind, lazyImportHint } from './context'
export { DEVTOOLS_HOOK, type DevtoolsHook } from './devtools-hook'
export { compilePolicy, type PolicyCheck } from './policy'
export { checkInjected } from './injected'
