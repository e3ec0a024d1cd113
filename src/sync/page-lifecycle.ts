import type { PeerKind } from '../core/index'

/** What a bus instance in a page does as the page comes and goes. */
export interface PageLifecycle {
  /** The page enters the back/forward cache: send what is queued, say goodbye, release the channel. */
  suspend(): void
  /** The page unloads for good: send what is queued and say goodbye. */
  unload(): void
  /** The page is back from the back/forward cache. */
  resume(): void
}

/**
 * Follows the page's back/forward cache for an instance in a window or iframe: it leaves while
 * cached (an open channel would keep the page out of the cache, or get it evicted on the first
 * message), and comes back as if new, since what was sent meanwhile is gone. Returns the stop;
 * a no-op for workers.
 */
export function followPage(kind: PeerKind, lifecycle: PageLifecycle): () => void {
  if ((kind !== 'window' && kind !== 'iframe') || typeof globalThis.addEventListener !== 'function') return () => {}
  const scope = globalThis as unknown as Window
  let suspended = false
  const onPageHide = (event: PageTransitionEvent) => {
    if (suspended) return
    if (event.persisted) {
      suspended = true
      lifecycle.suspend()
    } else {
      lifecycle.unload()
    }
  }
  const onPageShow = (event: PageTransitionEvent) => {
    if (!suspended || !event.persisted) return
    suspended = false
    lifecycle.resume()
  }
  scope.addEventListener('pagehide', onPageHide)
  scope.addEventListener('pageshow', onPageShow)
  return () => {
    scope.removeEventListener('pagehide', onPageHide)
    scope.removeEventListener('pageshow', onPageShow)
  }
}
