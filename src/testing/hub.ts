import type { Envelope } from '../sync/envelope'
import type { OpenTransport } from '../sync/transport'

/** An in-memory channel: clones each message at post (as postMessage does) and delivers it later. */
export function createHub() {
  const listeners = new Map<string, Set<(raw: unknown) => void>>()
  const posted: Envelope[] = []
  const open: OpenTransport = (name, receive) => {
    const set = listeners.get(name) ?? new Set()
    listeners.set(name, set)
    set.add(receive)
    return {
      post: (message) => {
        const copy = structuredClone(message)
        posted.push(copy)
        for (const other of set) if (other !== receive) setTimeout(() => other(structuredClone(copy)))
      },
      close: () => set.delete(receive),
    }
  }
  const inject = (name: string, raw: unknown) => {
    for (const receive of listeners.get(name) ?? []) receive(raw)
  }
  return { open, posted, inject }
}

