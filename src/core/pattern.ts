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

/**
 * The longest pattern: a brace list of systems may be longer than one name, but a pattern of
 * megabytes is a mistake (or an attack), and compiling and matching it must stay cheap.
 */
export const MAX_PATTERN_LENGTH = 4096

/** Within a segment: `*` takes any run of characters (none included). */
const ANY_RUN = -1
/** Within a segment: `?` takes exactly one character. */
const ANY_ONE = -2

/** A character class within a segment, `[abc]`, `[a-z]` or `[!abc]`: code-unit ranges. */
interface CharClass {
  readonly negated: boolean
  /** Pairs of inclusive bounds: `[lo0, hi0, lo1, hi1, …]`. */
  readonly ranges: readonly number[]
}

/** One token of a glob within a segment: a literal code unit, `*`, `?`, or a class. */
type CharToken = number | CharClass

/** One segment of a compiled alternative: `**`, `*`, a literal, or a glob within the segment. */
type Segment = string | readonly CharToken[]

/** Compiles a pattern once; throws `INVALID` for empty, too long or malformed patterns. */
export function compilePattern(source: unknown, what = 'pattern'): Pattern {
  if (typeof source !== 'string') {
    throw busError('INVALID_ARGUMENT', `The ${what} must be a string, got ${describeValue(source)}.`)
  }
  if (source === '') throw busError('EMPTY_PATTERN', `The ${what} is empty: use a name such as "orders" or a glob such as "orders.*".`)
  if (source.length > MAX_PATTERN_LENGTH) {
    throw busError('PATTERN_TOO_LONG', `The ${what} is ${source.length} characters long, over the limit of ${MAX_PATTERN_LENGTH}.`)
  }
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
    return { type: 'segments', source, segments, test: (name) => matchName(segments, name) }
  }
  return { type: 'glob', source, test: (name) => alternatives.some((segments) => matchName(segments, name)) }
}

/**
 * The one rule for every pattern, in subscriptions, kind filters and policies alike (the router's
 * trie follows it too): `**` takes zero or more whole segments, `*` exactly one, and any other
 * segment matches one segment, literally or as a glob within the segment.
 */
function matchName(pattern: readonly Segment[], name: string): boolean {
  const parts = name.split('.')
  return matchGaps(pattern, parts, parts.length, isGlobstar, segmentFits)
}

/**
 * Whether `length` units of `subject` match `tokens`, where a gap token takes any run of units
 * (none included) and every other token exactly one unit: `**` over segments, `*` over the
 * characters of a segment. The tokens before the first gap must fit at the start, those after the
 * last at the end, and each run between gaps is placed at its leftmost fit, which is always right
 * when a gap takes any run. So a match costs at most units × tokens fits, and never backtracks
 * further: `*a*a*a*a*a*a*a*b` against 64 characters, or `**.**.**.x` against many segments, is no
 * slower than any other pattern of its length.
 */
function matchGaps<T, S>(tokens: readonly T[], subject: S, length: number, isGap: (token: T) => boolean, fits: (token: T, subject: S, at: number) => boolean): boolean {
  const count = tokens.length
  let t = 0
  let u = 0
  for (; t < count && !isGap(tokens[t]!); t++, u++) if (u >= length || !fits(tokens[t]!, subject, u)) return false
  if (t === count) return u === length
  let lastGap = count - 1
  while (!isGap(tokens[lastGap]!)) lastGap--
  const end = length - (count - 1 - lastGap)
  if (end < u) return false
  for (let k = lastGap + 1; k < count; k++) if (!fits(tokens[k]!, subject, end + k - lastGap - 1)) return false
  while (t < lastGap) {
    if (isGap(tokens[t]!)) {
      t++
      continue
    }
    let runEnd = t
    while (!isGap(tokens[runEnd]!)) runEnd++
    const size = runEnd - t
    let at = u
    for (; at + size <= end; at++) {
      let k = 0
      while (k < size && fits(tokens[t + k]!, subject, at + k)) k++
      if (k === size) break
    }
    if (at + size > end) return false
    u = at + size
    t = runEnd
  }
  return true
}

function isGlobstar(segment: Segment): boolean {
  return segment === '**'
}

function segmentFits(segment: Segment, parts: readonly string[], at: number): boolean {
  const part = parts[at]!
  if (typeof segment === 'string') return segment === '*' || segment === part
  return matchGaps(segment, part, part.length, isAnyRun, charFits)
}

function isAnyRun(token: CharToken): boolean {
  return token === ANY_RUN
}

function charFits(token: CharToken, text: string, at: number): boolean {
  const code = text.charCodeAt(at)
  if (typeof token === 'number') return token === ANY_ONE || token === code
  let inside = false
  for (let i = 0; i < token.ranges.length && !inside; i += 2) inside = code >= token.ranges[i]! && code <= token.ranges[i + 1]!
  return inside !== token.negated
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
    return compileSegmentGlob(segment, malformed)
  })
}

/** A glob within one segment as tokens: `*` any run, `?` one character, `[…]` a class. */
function compileSegmentGlob(segment: string, malformed: (why: string) => BusError): CharToken[] {
  const tokens: CharToken[] = []
  for (let i = 0; i < segment.length; i++) {
    const char = segment[i]!
    if (char === '*') tokens.push(ANY_RUN)
    else if (char === '?') tokens.push(ANY_ONE)
    else if (char === '[') {
      const close = segment.indexOf(']', i + 1)
      if (close <= i + 1) throw malformed('unbalanced or empty "["')
      tokens.push(compileClass(segment.slice(i + 1, close), malformed))
      i = close
    } else if (char === ']' || char === '(' || char === ')' || char === '!') {
      throw malformed(`"${char}" is not supported here (patterns have *, **, ?, [abc] and {a,b})`)
    } else {
      tokens.push(segment.charCodeAt(i))
    }
  }
  return tokens
}

/** `abc`, `a-z`, `!abc` or `^abc` (the inside of `[…]`) as code-unit ranges. */
function compileClass(body: string, malformed: (why: string) => BusError): CharClass {
  const negated = body.startsWith('!') || body.startsWith('^')
  const members = negated ? body.slice(1) : body
  if (members === '' || /[[!]/.test(members)) throw malformed(`the character class "[${body}]" is not supported`)
  const ranges: number[] = []
  for (let i = 0; i < members.length; i++) {
    const low = members.charCodeAt(i)
    // `a-z` is a range; a `-` first or last is itself.
    if (members[i + 1] === '-' && i + 2 < members.length) {
      const high = members.charCodeAt(i + 2)
      if (high < low) throw malformed(`the range "${members.slice(i, i + 3)}" in "[${body}]" runs backwards`)
      ranges.push(low, high)
      i += 2
    } else {
      ranges.push(low, low)
    }
  }
  return { negated, ranges }
}
