// Raw IndexedDB requests as promises, for the stores that skip idb's wrappers on their hot paths
// (the replay store's puts, the destinations outbox): one promise per call, not per record.

/** The result of one request. */
export function requested<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
}

/** Resolves when `tx` commits; rejects with its error (or an AbortError naming `what`) when it aborts. */
export function transactionDone(tx: IDBTransaction, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve()
    tx.onabort = () => reject(tx.error ?? new DOMException(`The ${what} transaction was aborted.`, 'AbortError'))
  })
}
