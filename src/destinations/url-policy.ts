import { describeValue, type BusError } from '../core/index'
import { baseUrl } from './http'
import type { DestinationConfig, GetHeaders } from './types'

// Where events and `getHeaders` secrets may go. The configuration is stored in IndexedDB, which
// any script of the origin can rewrite; these rules are given in code, per context, and never
// stored, so a rewritten configuration cannot widen them.

/** The URLs destinations may have (`allowedUrls`), compiled. */
export interface AllowedUrls {
  allows(url: string): boolean
  /** For messages: the list as given. */
  readonly listed: string
}

/**
 * `getHeaders` for one destination id with the web origin its headers may go to. `webOrigin` is
 * `undefined` when the destination had no `url` where the app gave it: it then may not get one.
 */
export interface HeaderGrant {
  readonly getHeaders: GetHeaders
  readonly webOrigin: string | undefined
}

/** What a courier may do with a destination right now. */
export type Clearance = { readonly ok: true; readonly getHeaders: GetHeaders | undefined } | { readonly ok: false; readonly why: string }

/**
 * Checks `allowedUrls`: absolute `http:`/`https:` URLs (or relative to the page), without query
 * or fragment. One ending in `/` allows every path under it; any other, that path exactly (with
 * any query). Throws `invalid(detail)` for a bad list.
 */
export function compileAllowedUrls(given: unknown, invalid: (detail: string) => BusError): AllowedUrls | undefined {
  if (given === undefined) return undefined
  if (!Array.isArray(given)) throw invalid(`allowedUrls must be an array of URLs, such as ["https://ingest.example/events"], got ${describeValue(given)}`)
  const rules = given.map((entry: unknown, i) => {
    if (typeof entry !== 'string') throw invalid(`allowedUrls[${i}] must be a URL string, got ${describeValue(entry)}`)
    const url = parse(entry)
    if (!url) throw invalid(`allowedUrls[${i}] "${entry}" is not a URL${baseUrl() === undefined ? ' (outside a page, only absolute URLs are)' : ''}`)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(`allowedUrls[${i}] "${entry}" must be http: or https:, not ${url.protocol}`)
    if (url.search !== '' || url.hash !== '' || entry.includes('?') || entry.includes('#')) throw invalid(`allowedUrls[${i}] "${entry}" must have no query or fragment`)
    return { origin: url.origin, path: url.pathname }
  })
  return {
    listed: given.map((entry) => JSON.stringify(entry)).join(', '),
    allows(raw) {
      const url = parse(raw)
      // Compared after the URL parser has resolved `..` and `%2e%2e`, as fetch will.
      return url !== undefined && rules.some((rule) => url.origin === rule.origin && (rule.path.endsWith('/') ? url.pathname.startsWith(rule.path) : url.pathname === rule.path))
    },
  }
}

/** Why `config` may not be used under `allowedUrls`, or `undefined` if it may (no list, or no url). */
export function urlProblem(config: DestinationConfig, allowed: AllowedUrls | undefined): string | undefined {
  if (!allowed || config.url === undefined || allowed.allows(config.url)) return undefined
  return `url "${config.url}" is not in allowedUrls (${allowed.listed})`
}

/** Why `grant`'s headers may not go to `config`'s url, or `undefined` if they may. */
export function grantProblem(config: DestinationConfig, grant: HeaderGrant | undefined): string | undefined {
  if (!grant || config.url === undefined) return undefined
  const origin = webOriginOf(config.url)
  if (origin !== undefined && origin === grant.webOrigin) return undefined
  const boundTo = grant.webOrigin === undefined ? 'a destination without a url' : `"${grant.webOrigin}"`
  return `its getHeaders was given for ${boundTo}, and its url "${config.url}" is ${origin === undefined ? 'not a URL' : `on "${origin}"`}`
}

/** Whether a courier may send to `config` now, and with which `getHeaders`. */
export function clearance(config: DestinationConfig, allowed: AllowedUrls | undefined, grant: HeaderGrant | undefined): Clearance {
  const why = urlProblem(config, allowed) ?? grantProblem(config, grant)
  return why === undefined ? { ok: true, getHeaders: grant?.getHeaders } : { ok: false, why }
}

/** The origin a request to `url` goes to, resolved as the `http` provider does; `undefined` if it is not a URL. */
export function webOriginOf(url: string | undefined): string | undefined {
  const parsed = url === undefined ? undefined : parse(url)
  // A custom provider's URL of another scheme has an opaque origin ("null"): bound to the exact URL then.
  return parsed && (parsed.origin === 'null' ? parsed.href : parsed.origin)
}

/**
 * An origin given in code for `getHeaders` (`{ origin, headers }`): `https://host[:port]`, nothing
 * more, so that no one reads a path restriction into it. `undefined` if it is not one.
 */
export function checkWebOrigin(given: unknown): string | undefined {
  if (typeof given !== 'string') return undefined
  let url: URL
  try {
    url = new URL(given)
  } catch {
    return undefined
  }
  const bare = url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '' && url.password === '' && !/[?#]/.test(given)
  return bare && (url.protocol === 'http:' || url.protocol === 'https:') ? url.origin : undefined
}

/** The page's (or worker's) origin: where a plain `getHeaders` function may send; `undefined` outside a browser. */
export function pageWebOrigin(): string | undefined {
  const origin = (globalThis as { location?: { origin?: unknown } }).location?.origin
  return typeof origin === 'string' && origin !== 'null' ? origin : undefined
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url, baseUrl())
  } catch {
    return undefined
  }
}
