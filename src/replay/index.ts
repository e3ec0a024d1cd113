export { replay } from './replay'
export type { ReplayOptions } from './options'
