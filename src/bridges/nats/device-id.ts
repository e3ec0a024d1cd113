import { newDeviceId } from './durable-names'

// One per browser profile, whatever the bus: the device's durable consumers are named after it.
const DATABASE = 'crossbus-nats'
const STORE = 'device'
const KEY = 'id'

/**
 * This browser profile's device id, kept in IndexedDB so every tab, and every visit after the
 * last tab closed, reads the same durable consumer. Read and, when missing, written in one
 * readwrite transaction: two tabs starting at once agree on one id. Without IndexedDB (Node, a
 * private mode that refuses it) the id lives as long as this context, and says so by `persistent`.
 */
export async function loadDeviceId(): Promise<{ id: string; persistent: boolean }> {
  if (typeof indexedDB === 'undefined') return { id: newDeviceId(), persistent: false }
  try {
    const db = await request(indexedDB.open(DATABASE, 1), (open) => {
      open.onupgradeneeded = () => open.result.createObjectStore(STORE)
    })
    try {
      const store = db.transaction(STORE, 'readwrite').objectStore(STORE)
      const found: unknown = await request(store.get(KEY))
      if (typeof found === 'string' && /^[0-9a-z]{16}$/.test(found)) return { id: found, persistent: true }
      const id = newDeviceId()
      await request(store.put(id, KEY))
      return { id, persistent: true }
    } finally {
      db.close()
    }
  } catch {
    return { id: newDeviceId(), persistent: false }
  }
}

function request<T, R extends IDBRequest<T>>(req: R & IDBRequest<T>, prepare?: (req: R) => void): Promise<T> {
  prepare?.(req)
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })
}
