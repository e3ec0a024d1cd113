export type { HistoryQuery, ReplayOptions, ReplaySpec, SubscribeOptions } from './options'
