// Request/reply over the bus: the `requests()` plugin behind `bus.request()` and `bus.handle()`.
export { requests, type RequestsOptions } from './plugin'
export { REQUEST_ERROR_CODES, type RequestErrorCode } from './errors'
