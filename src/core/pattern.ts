import { busError } from './errors'
import { describeValue, GLOB_CHARS } from './validate'

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

/**
 * Past this many alternatives, or this many characters in all, a pattern is refused: `{a,b}{c,d}…`
 * grows exponentially, and each alternative becomes a RegExp that V8 compiles on first use.
 */
const MAX_ALTERNATIVES = 256
const MAX_EXPANDED_LENGTH = 16_384

/**
 * The longest pattern: a brace list of systems may be longer than one name, but a pattern of
 * megabytes is a mistake (or an attack), and compiling and matching it must stay cheap.
 */
export const MAX_PATTERN_LENGTH = 4096

type Malformed = (why: string) => Error

/** Compiles a pattern once; throws `INVALID` for empty, too long or malformed patterns. */
export function compilePattern(source: unknown, what = 'pattern'): Pattern {
  if (typeof source !== 'string') throw busError('INVALID_ARGUMENT', `The ${what} must be a string, got ${describeValue(source)}.`)
  if (!source) throw busError('EMPTY_PATTERN', `The ${what} is empty: use a name such as "orders" or a glob such as "orders.*".`)
  if (source.length > MAX_PATTERN_LENGTH) {
    throw busError('PATTERN_TOO_LONG', `The ${what} is ${source.length} characters long, over the limit of ${MAX_PATTERN_LENGTH}.`)
  }
  const malformed: Malformed = (why) => busError('MALFORMED_PATTERN', `The ${what} "${source}" is malformed: ${why}.`)
  if (source.includes('/')) throw malformed('"/" is not allowed, segments are separated by "."')
  // Every pattern is translated, an exact name too: that is what checks it.
  const alternatives = expandBraces(source, malformed)
  const translated = alternatives.map((alternative) => translate(alternative, malformed))
  if (!GLOB_CHARS.test(source)) return { type: 'exact', source, test: (name) => name === source }
  // One RegExp each: joined, the alternatives of a long pattern can be too large for V8.
  const regExps = translated.map((regExp) => {
    try {
      return new RegExp(`^${regExp}$`)
    } catch {
      throw malformed('a range in a character class runs backwards') // the only way a translation is invalid
    }
  })
  const test = (name: string) => regExps.some((regExp) => regExp.test(`.${name}`))
  const segments = alternatives[0]!.split('.')
  return alternatives[1] || segments.some((segment) => segment !== '**' && segment !== '*' && GLOB_CHARS.test(segment))
    ? { type: 'glob', source, test }
    : { type: 'segments', source, segments, test }
}

/**
 * Expands `{a,b}` alternatives first, at any depth and across segments (`{orders.**,payments}`,
 * `orders{,.eu}`), so each alternative is then an ordinary segment pattern: braces mean the same
 * wherever they stand. A group without a comma is one alternative: `{orders}` is `orders`.
 *
 * A group with no brace inside is an innermost one: expanding one in each alternative per round
 * handles nesting, and merging equal alternatives each round keeps `{a,a}{a,a}…` from doubling.
 */
function expandBraces(source: string, malformed: Malformed): string[] {
  const group = /\{([^{}]*)\}/
  let alternatives = [source]
  while (alternatives.some((alternative) => group.test(alternative))) {
    const expanded = new Set<string>()
    for (const alternative of alternatives) {
      const found = group.exec(alternative)
      const options = found ? found[1]!.split(',').map((option) => alternative.replace(found[0], () => option)) : [alternative]
      for (const option of options) expanded.add(option)
      if (expanded.size > MAX_ALTERNATIVES) throw tooMany(malformed)
    }
    alternatives = [...expanded]
    if (alternatives.join('').length > MAX_EXPANDED_LENGTH) throw tooMany(malformed)
  }
  return alternatives
}

const tooMany = (malformed: Malformed) => malformed(`it expands to more than ${MAX_ALTERNATIVES} alternatives or ${MAX_EXPANDED_LENGTH} characters`)

/**
 * Translates one brace-free alternative into RegExp source, matched against `.` + name so that
 * every segment, the first included, is `\.` and its glob.
 */
function translate(alternative: string, malformed: Malformed): string {
  return gapped(alternative.split('.'), '**', '\\.[^.]*', (segment) => {
    if (!segment) throw malformed(`"${alternative}" has an empty segment`)
    if (segment.includes('**')) throw malformed('"**" must be a whole segment')
    // `[…]` first, so that `*` and `?` within a class are members; `[^]` is any character.
    return `\\.${gapped(segment.match(/\[[^]*?\]|[^]/g)!, '*', '[^.]', (token) => character(token, malformed))}(?![^.])`
  })
}

/**
 * The one rule for both levels: `**` over segments and `*` over the characters of a segment are
 * gaps that take any run of `unit`s (none included), and every other token takes exactly one.
 * Each run of tokens between two gaps is placed at its leftmost fit, which is always right when a
 * gap takes any run, and the gap before it may not step past that fit: `(?:(?!run)unit)*run`. So
 * backtracking never tries a second placement, and a match costs at most name × pattern:
 * `*a*a*a*a*a*a*a*b` against 64 characters, or `**.**.**.x` against many segments, is no slower
 * than any other pattern of its length. The last run is anchored at the end instead.
 */
function gapped(tokens: readonly string[], gap: string, unit: string, translate: (token: string) => string): string {
  const runs = ['']
  for (const token of tokens) {
    if (token === gap) runs.push('')
    else runs[runs.length - 1] += translate(token)
  }
  const last = runs.pop()!
  return runs.map((run, i) => (i ? `(?:(?!${run})${unit})*${run}` : run)).join('') + (runs[0] === undefined ? '' : `(?:${unit})*`) + last
}

/** One character of a segment's glob: `?`, a class `[…]`, or a literal. */
function character(token: string, malformed: Malformed): string {
  if (token === '?') return '[^.]'
  if (token[1]) {
    // `[!abc]` or `[^abc]` is negated; ranges and a `-` first or last read as in a RegExp.
    const [, negated, members] = /^.([!^]?)(.*).$/s.exec(token)!
    if (!members || /[[!{}]/.test(members)) throw malformed(`the character class "${token}" is not supported`)
    // The lookahead keeps a class (say `[!a]` or `[#-z]`) from taking the `.` between segments.
    return `(?!\\.)[${negated && '^'}${members.replace(/[\\^]/g, '\\$&')}]`
  }
  if (/[[\]()!{}]/.test(token)) {
    throw malformed(/[[{}]/.test(token) ? `unbalanced "${token}"` : `"${token}" is not supported here (patterns have *, **, ?, [abc] and {a,b})`)
  }
  // Any other character is itself; escaping every non-word one is valid outside the `u` flag.
  return token.replace(/\W/, '\\$&')
}
