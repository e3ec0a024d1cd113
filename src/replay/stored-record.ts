import { checkKind, checkPath, checkSystem, isEventTime, type BusEvent } from '../core/index'

// Names already found valid, so reading thousands of records of a few systems checks each once.
const NAMES_LIMIT = 4096

/**
 * Checks what the store gives back before anyone receives it: any script of the origin can write
 * into the history database, and a record of the wrong shape must neither reach a subscriber nor
 * break a read for everyone (a `system` that is a number once made every glob read throw).
 */
export function createRecordCheck(): (record: unknown) => record is BusEvent {
  const validNames = new Set<string>()
  const validName = (value: unknown, check: (value: unknown) => void): boolean => {
    if (typeof value === 'string' && validNames.has(value)) return true
    try {
      check(value)
    } catch {
      return false
    }
    if (validNames.size >= NAMES_LIMIT) validNames.clear()
    validNames.add(value as string)
    return true
  }
  return (record): record is BusEvent => {
    if (typeof record !== 'object' || record === null) return false
    const { id, system, kind, path, time, origin, seq } = record as Partial<Record<keyof BusEvent, unknown>>
    if (typeof id !== 'string' || id === '' || typeof origin !== 'string' || origin === '') return false
    if (!Number.isSafeInteger(seq) || (seq as number) < 0 || !isEventTime(time)) return false
    try {
      checkPath(path)
    } catch {
      return false
    }
    return validName(system, checkSystem) && validName(kind, checkKind)
  }
}
