// The ranged reads of the history database: one system, a prefix of systems, or all, with `since`
// and `last` applied by IndexedDB where the key order allows.
import type { BusEvent, SystemRange } from '../core/index'
import { requested } from '../indexeddb/requests'

/**
 * The events of `systems` with `time >= since`, or (with `last`) at least the last `last` of them.
 * An exact system is a range of the index in store order, so `since` and `last` are bounds of the
 * read; a prefix range is in system order, so `since` is applied here and `last` by the caller.
 */
export function readSystems(index: IDBIndex, systems: SystemRange, since: number | undefined, last: number | undefined): Promise<BusEvent[]> {
  if ('equals' in systems) {
    const name = systems.equals
    // An array sorts after every number, so `[name, []]` is above every key of `name`.
    return readLatest(index, IDBKeyRange.bound(since === undefined ? [name] : [name, since], [name, []]), last)
  }
  const prefix = systems.startsWith
  const end = nextAfterPrefix(prefix)
  const keys = end === undefined ? IDBKeyRange.lowerBound([prefix]) : IDBKeyRange.bound([prefix], [end], false, true)
  return requested<BusEvent[]>(index.getAll(keys)).then((events) => (since === undefined ? events : events.filter((event) => event.time >= since)))
}

/**
 * The least string above every string that starts with `prefix`: its last code unit below
 * U+FFFF, plus one, with what follows dropped (`ord` → `ore`, `a\uffff` → `b`); undefined when
 * there is none (all U+FFFF). IndexedDB compares strings by code unit, as this does.
 */
function nextAfterPrefix(prefix: string): string | undefined {
  let end = prefix.length
  while (end > 0 && prefix.charCodeAt(end - 1) === 0xffff) end--
  if (end === 0) return undefined
  return prefix.slice(0, end - 1) + String.fromCharCode(prefix.charCodeAt(end - 1) + 1)
}

/**
 * The records of `keys` in key order; with `last`, only the last that many. A range rarely holds
 * more (callers pass the retention count), which a count tells cheaply (it reads no records);
 * when it does, one key cursor steps back from the end to the first key to keep, then one getAll
 * reads from there.
 */
export async function readLatest(source: IDBObjectStore | IDBIndex, keys: IDBKeyRange | null, last: number | undefined): Promise<BusEvent[]> {
  if (last === undefined || (await requested(source.count(keys ?? undefined))) <= last) return requested<BusEvent[]>(source.getAll(keys))
  const first = await keyOfLast(source, keys, last)
  if (first === undefined) return requested<BusEvent[]>(source.getAll(keys))
  const from = keys?.upper === undefined ? IDBKeyRange.lowerBound(first) : IDBKeyRange.bound(first, keys.upper, false, keys.upperOpen)
  return requested<BusEvent[]>(source.getAll(from))
}

/** The `last`-th key from the end of `keys`; undefined when there are fewer keys. */
function keyOfLast(source: IDBObjectStore | IDBIndex, keys: IDBKeyRange | null, last: number): Promise<IDBValidKey | undefined> {
  return new Promise((resolve, reject) => {
    const request = source.openKeyCursor(keys, 'prev')
    let stepped = last === 1
    request.onsuccess = () => {
      const cursor = request.result
      if (cursor === null) resolve(undefined)
      else if (stepped) resolve(cursor.key)
      else {
        stepped = true
        cursor.advance(last - 1)
      }
    }
    request.onerror = () => reject(request.error)
  })
}

