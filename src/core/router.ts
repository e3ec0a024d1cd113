import type { Pattern } from './pattern'

/** What the router indexes: a pattern, a creation order, and a last say on each system. */
export interface Route {
  /** Creation order; delivery to several routes follows it. */
  readonly serial: number
  readonly pattern: Pattern
  /** A final filter beyond the pattern (a scoped handle's policy, for one). Must be pure. */
  admits(system: string): boolean
}

interface TrieNode<R> {
  readonly literal: Map<string, TrieNode<R>>
  star?: TrieNode<R>
  globstar?: TrieNode<R>
  readonly routes: Set<R>
}

const newNode = <R>(): TrieNode<R> => ({ literal: new Map(), routes: new Set() })

/** How many systems' match lists are kept; enough for any real app, small enough to never matter. */
const CACHE_LIMIT = 1024

/**
 * Finds the routes whose pattern matches a system, at a cost that grows with the number of
 * matches rather than with the number of routes: exact names are a map lookup, segment globs a
 * trie walk, other globs a scan of those alone, and the answer is cached per system.
 */
export class Router<R extends Route> {
  readonly #exact = new Map<string, Set<R>>()
  private readonly trie: TrieNode<R> = newNode()
  readonly #globs = new Set<R>()
  readonly #cache = new Map<string, readonly R[]>()

  add(route: R): void {
    const { pattern } = route
    if (pattern.type === 'exact') {
      let set = this.#exact.get(pattern.source)
      if (!set) this.#exact.set(pattern.source, (set = new Set()))
      set.add(route)
    } else if (pattern.type === 'segments') {
      this.#trieNodeFor(pattern.segments).routes.add(route)
    } else {
      this.#globs.add(route)
    }
    this.#forgetSystemsOf(route)
  }

  /** Takes a route out; one not (or no longer) in the router is ignored. */
  remove(route: R): void {
    const { pattern } = route
    if (pattern.type === 'exact') {
      const set = this.#exact.get(pattern.source)
      if (set?.delete(route) && set.size === 0) this.#exact.delete(pattern.source)
    } else if (pattern.type === 'segments') {
      this.#removeFromTrie(route, pattern.segments)
    } else {
      this.#globs.delete(route)
    }
    this.#forgetSystemsOf(route)
  }

  /**
   * The routes for `system`, in creation order. The returned array is never mutated afterwards,
   * so a dispatch loop over it is safe while handlers subscribe and unsubscribe.
   */
  match(system: string): readonly R[] {
    const cached = this.#cache.get(system)
    if (cached) return cached
    const found = new Set<R>()
    const exact = this.#exact.get(system)
    if (exact) for (const route of exact) found.add(route)
    collectFromTrie(this.trie, system.split('.'), 0, found)
    for (const route of this.#globs) if (route.pattern.test(system)) found.add(route)

    const routes = [...found].filter((route) => route.admits(system)).sort((a, b) => a.serial - b.serial)
    if (this.#cache.size >= CACHE_LIMIT) this.#cache.delete(this.#cache.keys().next().value as string)
    this.#cache.set(system, routes)
    return routes
  }

  // An exact route changes one cached system; a glob may change any, and refilling the cache is
  // cheaper than testing every cached system on each subscribe and close.
  #forgetSystemsOf(route: R): void {
    if (route.pattern.type === 'exact') this.#cache.delete(route.pattern.source)
    else this.#cache.clear()
  }

  #trieNodeFor(segments: readonly string[]): TrieNode<R> {
    let node = this.trie
    for (const segment of segments) {
      if (segment === '**') node = node.globstar ??= newNode()
      else if (segment === '*') node = node.star ??= newNode()
      else {
        let next = node.literal.get(segment)
        if (!next) node.literal.set(segment, (next = newNode()))
        node = next
      }
    }
    return node
  }

  #removeFromTrie(route: R, segments: readonly string[]): void {
    const path: Array<[TrieNode<R>, string]> = []
    let node: TrieNode<R> | undefined = this.trie
    for (const segment of segments) {
      path.push([node, segment])
      node = segment === '**' ? node.globstar : segment === '*' ? node.star : node.literal.get(segment)
      if (!node) return
    }
    if (!node.routes.delete(route)) return
    // Prune emptied branches so that churn of distinct patterns does not grow the trie forever.
    for (let i = path.length - 1; i >= 0 && isEmpty(node); i--) {
      const [parent, segment] = path[i]!
      if (segment === '**') delete parent.globstar
      else if (segment === '*') delete parent.star
      else parent.literal.delete(segment)
      node = parent
    }
  }
}

function isEmpty<R>(node: TrieNode<R>): boolean {
  return node.routes.size === 0 && node.literal.size === 0 && !node.star && !node.globstar
}

/**
 * Collects the routes of every trie node `segments` reach from `index`. A `**` node is entered
 * once per position (`entered`), so nested globstars (`**.**.**.x`) cost nodes × segments at most,
 * never a walk per way of splitting the name among them.
 */
function collectFromTrie<R>(node: TrieNode<R>, segments: readonly string[], index: number, found: Set<R>, entered = new Map<TrieNode<R>, Uint8Array>()): void {
  const globstar = node.globstar
  if (globstar) {
    let positions = entered.get(globstar)
    if (!positions) entered.set(globstar, (positions = new Uint8Array(segments.length + 1)))
    // `**` takes none, one, or more of the remaining segments.
    for (let next = index; next <= segments.length; next++) {
      if (positions[next]) continue
      positions[next] = 1
      collectFromTrie(globstar, segments, next, found, entered)
    }
  }
  if (index === segments.length) {
    for (const route of node.routes) found.add(route)
    return
  }
  const literal = node.literal.get(segments[index]!)
  if (literal) collectFromTrie(literal, segments, index + 1, found, entered)
  if (node.star) collectFromTrie(node.star, segments, index + 1, found, entered)
}
