/**
 * One IndexedDB database shared by every context of an origin, opened so that this context never
 * blocks another one and comes back after another context deletes the database (the app or the
 * user clearing storage). Replay's history and the destinations outbox both open theirs with it;
 * each keeps its data in memory while it has no connection and hands that over on `onReopen`.
 *
 * ```ts
 * const connection = openWithReopen('crossbus-replay:shop', 2, upgrade, {
 *   what: 'history database',
 *   onFallback(reason, cause, reopening) { useMemory(); report(reason, cause) },
 *   onReopen(db) { useIndexedDb(db) },
 * })
 * const db = await connection.opened // undefined: it cannot be used, and onFallback said why
 * // ...
 * connection.close()
 * ```
 *
 * - `upgrade(db, oldVersion, transaction)` runs on `upgradeneeded`: create or migrate the stores
 *   with raw IndexedDB. `oldVersion` is 0 for a new database, which a reopen after a deletion is.
 * - `opened` resolves with the first connection, or with `undefined` once `onFallback` was called
 *   (IndexedDB missing or refused, or an older context that blocks the upgrade). It never rejects.
 *   A blocked open that goes through later is closed at once: the owner has moved on to memory.
 * - `onFallback(reason, cause, reopening)`: this context cannot use the database (any more); the
 *   connection, if there was one, is closed already, so no other context waits on it. `reason` is
 *   a sentence part for a message ("another context deleted the history database ..."). With
 *   `reopening` (another context deleted the database) a new connection is on its way and comes
 *   through `onReopen`; without it, it is for the session: a newer version of the app took the
 *   database, the browser closed the connection, or the upgrade is blocked.
 * - `onReopen(db)`: the new connection after a deletion, tried after 100 ms and then backing off
 *   to 10 s while opening fails.
 * - `current`: the connection in use, `undefined` while there is none.
 * - `close()`: stops reopening and closes the connection (transactions already started complete).
 */
import { describeError } from '../core/index'

/** Creates or migrates a database's stores, inside its versionchange transaction. */
export type Upgrade = (db: IDBDatabase, oldVersion: number, transaction: IDBTransaction) => void

export interface ReopenHandlers {
  /** What the database is, for reasons: "history database", "destinations database". */
  readonly what: string
  onFallback(reason: string, cause: unknown, reopening: boolean): void
  onReopen(db: IDBDatabase): void
}

export interface ReopeningConnection {
  readonly opened: Promise<IDBDatabase | undefined>
  readonly current: IDBDatabase | undefined
  close(): void
}

const REOPEN_FIRST_DELAY_MS = 100
const REOPEN_MAX_DELAY_MS = 10_000

export function openWithReopen(name: string, version: number, upgrade: Upgrade, handlers: ReopenHandlers): ReopeningConnection {
  const { what } = handlers
  let current: IDBDatabase | undefined
  let closed = false
  let timer: ReturnType<typeof setTimeout> | undefined

  /** One open request: the connection, or `undefined` after `blocked` or a failure (said through `failed`). */
  function request(blocked: () => void, failed: (cause: unknown) => void): Promise<IDBDatabase | undefined> {
    return new Promise((resolve) => {
      let open: IDBOpenDBRequest
      try {
        open = indexedDB.open(name, version)
      } catch (cause) {
        failed(cause)
        return resolve(undefined)
      }
      let gaveUp = false
      open.onupgradeneeded = (change) => upgrade(open.result, change.oldVersion, open.transaction!)
      open.onblocked = () => {
        gaveUp = true
        blocked()
        resolve(undefined)
      }
      open.onerror = () => {
        if (!gaveUp) failed(open.error)
        resolve(undefined)
      }
      open.onsuccess = () => {
        const db = open.result
        if (gaveUp || closed) {
          db.close()
          return resolve(undefined)
        }
        use(db)
        resolve(db)
      }
    })
  }

  function use(db: IDBDatabase): void {
    current = db
    db.onversionchange = (change) => {
      // Give way at once, so neither context waits on the other.
      db.close()
      current = undefined
      if (closed) return
      // A deletion asks for no version: the database can be created again.
      if (change.newVersion === null) {
        handlers.onFallback(`another context deleted the ${what} (the app or the user cleared storage); it is created again and used as soon as it can be`, undefined, true)
        reopenLater(REOPEN_FIRST_DELAY_MS)
      } else {
        handlers.onFallback(`a newer version of the app opened the ${what} in another tab; reload this tab to share it again`, undefined, false)
      }
    }
    db.onclose = () => {
      current = undefined
      if (!closed) handlers.onFallback(`the browser closed the ${what} (storage cleared or failed)`, undefined, false)
    }
  }

  function reopenLater(delay: number): void {
    timer = setTimeout(() => {
      timer = undefined
      if (closed) return
      let failed = false
      // A reopen that is blocked or fails is tried again later; nothing more is said meanwhile.
      void request(
        () => (failed = true),
        () => (failed = true),
      ).then((db) => {
        if (db) handlers.onReopen(db)
        else if (failed && !closed) reopenLater(Math.min(delay * 2, REOPEN_MAX_DELAY_MS))
      })
    }, delay)
  }

  const opened = request(
    () => handlers.onFallback(`an older tab holds the ${what} open and blocks its upgrade; close or reload the other tabs`, undefined, false),
    (cause) => handlers.onFallback(`IndexedDB cannot be opened (${describeError(cause)})`, cause, false),
  )

  return {
    opened,
    get current() {
      return current
    },
    close() {
      closed = true
      if (timer !== undefined) clearTimeout(timer)
      current?.close()
      current = undefined
    },
  }
}
