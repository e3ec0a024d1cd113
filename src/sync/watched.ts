import { Observable, ReplaySubject, distinctUntilChanged, share, type BehaviorSubject } from 'rxjs'

/**
 * `state` as an observable that does its work only while observed: the first observer calls
 * `start` (unless `closed()`), the last one leaving calls `stop`; late observers get the current
 * value, and completing `state` completes them all. Presence and leadership share this shape.
 */
export function watched<T>(state: BehaviorSubject<T>, closed: () => boolean, start: () => void, stop: () => void): Observable<T> {
  return new Observable<T>((subscriber) => {
    // After close the subject is complete, so this completes the subscriber at once.
    const watch = state.subscribe(subscriber)
    if (!closed()) start()
    return () => {
      watch.unsubscribe()
      stop()
    }
  }).pipe(
    distinctUntilChanged(),
    share({ connector: () => new ReplaySubject(1), resetOnRefCountZero: true, resetOnComplete: true }),
  )
}
