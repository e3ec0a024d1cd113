// `crossbus/frames`: the bus bridged into iframes of other web origins over `postMessage`, with a
// private MessagePort per frame, exact-origin checks, a policy per frame and a flood bound.
export { connectFrame } from './host'
export { connectParent, PARENT_PLUGIN_NAME } from './parent'
export { FRAME_ERROR_CODES, type FrameErrorCode } from './errors'
export type { ConnectFrameOptions, ConnectParentOptions, FrameBridgeOptions } from './options'
export type { FrameBridge, FrameBridgeStats, FrameStatus } from './stats'
