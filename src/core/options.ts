import { busError } from './errors'
import { describeValue } from './validate'

/**
 * Refuses an options object with names the function does not know: a misspelt option (`crosstab`,
 * `replay: { maxEvent }`) would otherwise be ignored in silence.
 */
export function checkOptions(options: unknown, known: readonly string[], where: string): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw busError('INVALID_ARGUMENT', `${where}: options must be an object, got ${describeValue(options)}.`)
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw busError('INVALID_ARGUMENT', `${where}: unknown option "${key}"; the options are ${known.map((name) => `"${name}"`).join(', ')}.`)
    }
  }
}
