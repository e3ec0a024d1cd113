import { busError, type BusError } from './errors'
import { describeValue, GLOB_CHARS, hasEmptySegment } from './validate'

/**
 * A compiled system pattern or kind filter. Patterns are globs over `.`-separated segments:
 * `*` is one whole segment, `**` any number of segments (none included), `{a,b}` alternatives,
 * and within a segment `*` any run of characters, `?` one, `[abc]` / `[!abc]` a class.
 *
 * The shape decides how the router indexes it: `exact` names go in a map, `segments` (only
 * literal, `*` and `**` segments) in a trie, and anything else is a compiled `glob`.
 */
export type Pattern =
  | { readonly type: 'exact'; readonly source: string; readonly test: (name: string) => boolean }
  | { readonly type: 'segments'; readonly source: string; readonly segments: readonly string[]; readonly test: (name: string) => boolean }
  | { readonly type: 'glob'; readonly source: string; readonly test: (name: string) => boolean }

/** Past this many alternatives a pattern is refused: `{a,b}{c,d}…` grows exponentially. */
const MAX_ALTERNATIVES = 256

/** One segment of a compiled alternative: `**`, `*`, a literal, or a glob within the segment. */
type Segment = '**' | '*' | string | RegExp

/** Compiles a pattern once; throws `INVALID` for empty or malformed patterns. */
export function compilePattern(source: unknown, what = 'pattern'): Pattern {
  if (typeof source !== 'string') {
    throw busError('INVALID_ARGUMENT', `The ${what} must be a string, got ${describeValue(source)}.`)
  }
  if (source === '') throw busError('EMPTY_PATTERN', `The ${what} is empty: use a name such as "orders" or a glob such as "orders.*".`)
  const malformed = (why: string) => busError('MALFORMED_PATTERN', `The ${what} "${source}" is malformed: ${why}.`)
  if (source.includes('/')) throw malformed('"/" is not allowed, segments are separated by "."')
  if (!GLOB_CHARS.test(source)) {
    if (hasEmptySegment(source)) throw malformed('it has an empty segment')
    return { type: 'exact', source, test: (name) => name === source }
  }
  const alternatives = expandBraces(source, malformed).map((alternative) => compileAlternative(alternative, malformed))
  const only = alternatives.length === 1 ? alternatives[0]! : undefined
  if (only && only.every((segment) => typeof segment === 'string')) {
    const segments = only as readonly string[]
    return { type: 'segments', source, segments, test: (name) => matchSegments(segments, name.split('.'), 0, 0) }
  }
  return {
    type: 'glob',
    source,
    test: (name) => {
      const parts = name.split('.')
      return alternatives.some((segments) => matchSegments(segments, parts, 0, 0))
    },
  }
}

/**
 * The one rule for every pattern, in subscriptions, kind filters and policies alike (the router's
 * trie follows it too): `**` takes zero or more whole segments, `*` exactly one, and any other
 * segment matches one segment, literally or as a glob within the segment.
 */
function matchSegments(pattern: readonly Segment[], name: readonly string[], p: number, n: number): boolean {
  for (; p < pattern.length; p++, n++) {
    const segment = pattern[p]!
    if (segment === '**') {
      for (let rest = n; rest <= name.length; rest++) if (matchSegments(pattern, name, p + 1, rest)) return true
      return false
    }
    if (n >= name.length) return false
    if (segment === '*') continue
    if (typeof segment === 'string' ? segment !== name[n] : !segment.test(name[n]!)) return false
  }
  return n === name.length
}

/**
 * Expands `{a,b}` alternatives first, at any depth and across segments (`{orders.**,payments}`,
 * `orders{,.eu}`), so each alternative is then an ordinary segment pattern: braces mean the same
 * wherever they stand. A group without a comma is one alternative: `{orders}` is `orders`.
 */
function expandBraces(source: string, malformed: (why: string) => BusError): string[] {
  let open = -1
  let depth = 0
  const commas: number[] = []
  for (let i = 0; i < source.length; i++) {
    const char = source[i]
    if (char === '{') {
      if (depth++ === 0) open = i
    } else if (char === '}') {
      if (--depth < 0) throw malformed('unbalanced "}"')
      if (depth === 0) {
        const options: string[] = []
        let start = open + 1
        for (const comma of commas) {
          options.push(source.slice(start, comma))
          start = comma + 1
        }
        options.push(source.slice(start, i))
        const head = source.slice(0, open)
        const tail = source.slice(i + 1)
        const expanded = options.flatMap((option) => expandBraces(head + option + tail, malformed))
        if (expanded.length > MAX_ALTERNATIVES) throw malformed(`it expands to more than ${MAX_ALTERNATIVES} alternatives`)
        return [...new Set(expanded)]
      }
    } else if (char === ',' && depth === 1) {
      commas.push(i)
    }
  }
  if (depth > 0) throw malformed('unbalanced "{"')
  return [source]
}

/** One brace-free alternative, as segments. */
function compileAlternative(alternative: string, malformed: (why: string) => BusError): Segment[] {
  if (hasEmptySegment(alternative) || alternative === '') throw malformed(`the alternative "${alternative}" has an empty segment`)
  return alternative.split('.').map((segment) => {
    if (segment === '**' || segment === '*' || !GLOB_CHARS.test(segment)) return segment
    if (segment.includes('**')) throw malformed('"**" must be a whole segment')
    return new RegExp(`^${segmentGlobSource(segment, malformed)}$`)
  })
}

/** A glob within one segment as a regular expression: `*` any run, `?` one character, `[…]` a class. */
function segmentGlobSource(segment: string, malformed: (why: string) => BusError): string {
  let out = ''
  for (let i = 0; i < segment.length; i++) {
    const char = segment[i]!
    if (char === '*') out += '.*'
    else if (char === '?') out += '.'
    else if (char === '[') {
      const close = segment.indexOf(']', i + 1)
      if (close <= i + 1) throw malformed('unbalanced or empty "["')
      const body = segment.slice(i + 1, close)
      const negated = body.startsWith('!') || body.startsWith('^')
      const members = (negated ? body.slice(1) : body).replace(/[\\\]^]/g, '\\$&')
      if (members === '' || /[[!]/.test(members)) throw malformed(`the character class "[${body}]" is not supported`)
      out += `[${negated ? '^' : ''}${members}]`
      i = close
    } else if (char === ']' || char === '(' || char === ')' || char === '!') {
      throw malformed(`"${char}" is not supported here (patterns have *, **, ?, [abc] and {a,b})`)
    } else {
      out += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    }
  }
  return out
}
