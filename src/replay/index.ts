export { replay } from './replay'
export type { ReplayOptions } from './options'
export { REPLAY_ERROR_CODES, type ReplayErrorCode } from './errors'
