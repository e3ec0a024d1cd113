// `crossbus/devtools`: the in-page panel and the agent for contexts without one. The panel's UI is a
// lazy chunk, loaded by mountDevtools; importing this entry touches no browser global.
export { mountDevtools } from './mount'
export { devtoolsAgent } from './agent'
export type { ContextReport, SubscriptionGroup } from './agent'
export { DEVTOOLS_ERROR_CODES, type DevtoolsErrorCode } from './errors'
export type { DevtoolsHandle, DevtoolsOptions, DevtoolsPosition, DevtoolsStats, DevtoolsStatus, DevtoolsTheme } from './options'
export type { DevtoolsRecord, RecordArrival, RecordSource } from './records'
export { startDevtoolsPage, type DevtoolsPageOptions } from './standalone/start'
