/** What the Vite plugin passes the standalone page. */
export interface DevtoolsPageOptions {
  /** Bus names to offer besides those found in the origin (IndexedDB history, leader locks). */
  readonly buses?: readonly string[]
  /** Where the page asks the dev server for the bus names it saw in the app's source. */
  readonly namesUrl?: string
}

/**
 * Starts the standalone devtools page in the current document: the page `crossbus/vite` serves
 * at `/__crossbus/`. It watches a bus name across the whole origin without touching the app.
 *
 * @example
 * import { startDevtoolsPage } from 'crossbus/devtools'
 * startDevtoolsPage({ buses: ['shop'] })
 */
export function startDevtoolsPage(options: DevtoolsPageOptions = {}): Promise<void> {
  return import('./page').then(({ runPage }) => runPage(options))
}
