import type { Pattern } from './pattern'

/**
 * `GLOB_CHARS` of ./validate (a test holds them equal), not imported: this module is loaded with a
 * bus's first history read, and on its own it is one lazy chunk instead of two.
 */
export const RANGE_GLOB_CHARS = /[*?[\]{}()!]/

/** A range of system names a pattern can match: one exact name, or every name under a prefix. */
export type SystemRange = { readonly equals: string } | { readonly startsWith: string }

// Past this many alternatives, one range per alternative costs more than it saves.
const MAX_ALTERNATIVES = 32

/**
 * The ranges that cover every system `pattern` can match, or undefined when only a full scan can
 * (a leading glob). The ranges may cover more than the pattern matches (`ord*` reads all of
 * `ord…`); the caller filters by the pattern afterwards. They never miss a match.
 *
 * @example
 * systemRangesOf(compilePattern('orders.**')) // [{ equals: 'orders' }, { startsWith: 'orders.' }]
 * systemRangesOf(compilePattern('{orders,users}.*')) // [{ startsWith: 'orders.' }, { startsWith: 'users.' }]
 * systemRangesOf(compilePattern('*.created')) // undefined
 */
export function systemRangesOf(pattern: Pattern): readonly SystemRange[] | undefined {
  if (pattern.type === 'exact') return [{ equals: pattern.source }]
  // Braces first, as compilePattern does: each alternative is then a plain segment pattern.
  const alternatives = expandBraces(pattern.source)
  if (alternatives === undefined) {
    // Too many to read one by one: everything the pattern matches starts with its literal head,
    // but for a final `.`, which a `**` after it may take along (`eu.{**,x}` matches `eu`).
    const head = literalHead(pattern.source).replace(/\.$/, '')
    return head === '' ? undefined : [{ startsWith: head }]
  }
  const ranges: SystemRange[] = []
  for (const alternative of alternatives) {
    const covering = rangesOfBraceFree(alternative)
    if (covering === undefined) return undefined
    ranges.push(...covering)
  }
  return disjointRanges(ranges)
}

/** Whether `system` falls in one of `ranges` (all systems when `ranges` is undefined). */
export function inSystemRanges(system: string, ranges: readonly SystemRange[] | undefined): boolean {
  if (ranges === undefined) return true
  return ranges.some((range) => ('equals' in range ? system === range.equals : system.startsWith(range.startsWith)))
}

/**
 * The same ranges without overlaps: duplicates go, and so does an exact name or a prefix that a
 * shorter prefix covers. A store can then read each range on its own and never get an event twice.
 */
export function disjointRanges(ranges: readonly SystemRange[]): SystemRange[] {
  const unique = new Map<string, SystemRange>()
  for (const range of ranges) unique.set('equals' in range ? `=${range.equals}` : `^${range.startsWith}`, range)
  const prefixes = [...unique.values()].flatMap((range) => ('startsWith' in range ? [range.startsWith] : []))
  return [...unique.values()].filter((range) =>
    'equals' in range
      ? !prefixes.some((prefix) => range.equals.startsWith(prefix))
      : !prefixes.some((prefix) => prefix !== range.startsWith && range.startsWith.startsWith(prefix)),
  )
}

/**
 * Ranges of a pattern without braces, by the matcher's rule: `**` takes zero or more whole
 * segments, any other segment exactly one (and a name has no empty segment).
 */
function rangesOfBraceFree(pattern: string): SystemRange[] | undefined {
  if (!RANGE_GLOB_CHARS.test(pattern)) return [{ equals: pattern }]
  const segments = pattern.split('.')
  const firstGlob = segments.findIndex((segment) => RANGE_GLOB_CHARS.test(segment))
  const literal = segments.slice(0, firstGlob).join('.')
  const glob = segments[firstGlob]!
  if (firstGlob === 0) {
    const head = literalHead(glob)
    return head === '' ? undefined : [{ startsWith: head }]
  }
  if (glob === '**') {
    // `**` may take no segment at all: the literal name itself matches when nothing else follows.
    const onlyGlobstars = segments.slice(firstGlob).every((segment) => segment === '**')
    return onlyGlobstars ? [{ equals: literal }, { startsWith: `${literal}.` }] : [{ startsWith: `${literal}.` }]
  }
  return [{ startsWith: `${literal}.${literalHead(glob)}` }]
}

/** The pattern's characters before its first glob character. */
function literalHead(pattern: string): string {
  const at = pattern.search(RANGE_GLOB_CHARS)
  return at === -1 ? pattern : pattern.slice(0, at)
}

/**
 * The brace-free patterns `pattern` stands for (`{a,b}.*` is `a.*` and `b.*`), innermost group
 * first so nesting works; undefined when there would be more than MAX_ALTERNATIVES.
 */
function expandBraces(pattern: string): string[] | undefined {
  const close = pattern.indexOf('}')
  if (close === -1) return [pattern]
  const open = pattern.lastIndexOf('{', close)
  if (open === -1) return undefined // malformed; compilePattern refuses it anyway
  const before = pattern.slice(0, open)
  const after = pattern.slice(close + 1)
  const expanded: string[] = []
  for (const alternative of pattern.slice(open + 1, close).split(',')) {
    const rest = expandBraces(`${before}${alternative}${after}`)
    if (rest === undefined) return undefined
    expanded.push(...rest)
    if (expanded.length > MAX_ALTERNATIVES) return undefined
  }
  return expanded
}
