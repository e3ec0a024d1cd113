import { createBus } from '../../src/core/index'
import { sync } from '../../src/sync/index'
import { HISTORY_DATABASE_PREFIX, LEADER_MARKER, syncChannelName } from '../../src/shared/names'

const CHANNEL = syncChannelName('')

/**
 * Bus names the origin shows signs of, without asking the app: the IndexedDB databases of replay
 * history, and the Web Locks of leader elections. A bus with neither cannot be seen from outside;
 * the dev server adds the names it read in the app's source, and the URL may name one. Any script
 * of the origin can make such a database or lock, so only names a bus can have (not empty) count.
 */
export async function busNamesInOrigin(): Promise<{ names: string[]; withHistory: Set<string> }> {
  const names = new Set<string>()
  const withHistory = new Set<string>()
  try {
    for (const database of (await indexedDB.databases?.()) ?? []) {
      if (database.name?.startsWith(HISTORY_DATABASE_PREFIX) && database.name.length > HISTORY_DATABASE_PREFIX.length) {
        const name = database.name.slice(HISTORY_DATABASE_PREFIX.length)
        names.add(name)
        withHistory.add(name)
      }
    }
  } catch {
    // No IndexedDB here (a private window may refuse it): only the other sources then.
  }
  try {
    const locks = await navigator.locks?.query()
    for (const lock of [...(locks?.held ?? []), ...(locks?.pending ?? [])]) {
      const lockName = lock.name ?? ''
      const at = lockName.indexOf(CHANNEL)
      const end = lockName.lastIndexOf(LEADER_MARKER)
      if (at >= 0 && end > at + CHANNEL.length) names.add(lockName.slice(at + CHANNEL.length, end))
    }
  } catch {
    // No Web Locks: nothing to learn from them.
  }
  return { names: [...names], withHistory }
}

/**
 * How many contexts hold a bus of this name now, not counting the probe: a short-lived bus
 * instance asks who is there and leaves. Resolves after `waitMs`; `undefined` for a name no bus
 * can have (the probe was refused).
 */
export function countContexts(name: string, waitMs = 700): Promise<number | undefined> {
  let probe: ReturnType<typeof createBus>
  try {
    probe = createBus({ name, plugins: [sync()] })
  } catch {
    return Promise.resolve(undefined)
  }
  return new Promise((resolve) => {
    let count = 0
    const watching = probe.peers$.subscribe((peers) => (count = peers.length - 1))
    setTimeout(() => {
      watching.unsubscribe()
      void probe.close()
      resolve(count)
    }, waitMs)
  })
}
