export { createBusPlugin, provideBus, useBus } from './plugin'
export { createBusComposables, useEvent, useEvents, useLatestEvent, useSend } from './composables'
export type { BusComposables, SystemEvent, UseEventsOptions, UseLatestEventOptions } from './composables'
