import { destinationError } from './errors'
import type { DestinationProvider } from './types'

/**
 * The built-in `http` destination type: CloudEvents over HTTP, structured, binary or batch, to an
 * `http:` or `https:` URL. 2xx is accepted; a network error, a timeout, 408, 429 and 5xx are
 * retried (honouring `Retry-After`); any other status refuses the events.
 */
export const httpProvider: DestinationProvider = {
  type: 'http',
  check(destination) {
    const fail = (detail: string) => destinationError('DESTINATION_INVALID', `Destination "${destination.id}": ${detail}.`)
    if (typeof destination.url !== 'string' || destination.url === '') throw fail('an http destination needs a url, e.g. "/events" or "https://relay.example.com/events"')
    let url: URL
    try {
      url = new URL(destination.url, baseUrl())
    } catch {
      throw fail(`url "${destination.url}" is not a URL`)
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw fail(`url "${destination.url}" must be http: or https:, not ${url.protocol}`)
  },
  // Only the context that leads delivers: the request code is a lazy chunk the others never load.
  deliver: async (events, request) => (await loadPost()).postEvents(events, request),
}

let posting: Promise<typeof import('./http-post')> | undefined

/**
 * The request code, imported once: an `import()` of a module already loaded still waits for a
 * task of the module loader, which delayed each request of a burst (by tens of ms on a busy page).
 */
function loadPost(): Promise<typeof import('./http-post')> {
  // A failed import is not kept: the next request tries again.
  return (posting ??= import('./http-post').catch((cause: unknown) => {
    posting = undefined
    throw cause
  }))
}

/** Relative URLs resolve against the page (or worker script); outside a browser only absolute ones work. */
export function baseUrl(): string | undefined {
  return (globalThis as { location?: { href: string } }).location?.href
}
