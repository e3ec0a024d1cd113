import type { PicomatchOptions } from 'picomatch'
import parse from 'picomatch/lib/parse.js'
import { busError } from './errors'
import { describe, GLOB_CHARS, hasEmptySegment } from './validate'

/**
 * A compiled system pattern or kind filter. Patterns are globs over `.`-separated segments:
 * `*` is one whole segment, `**` any number of segments (none included), `{a,b}` alternatives.
 *
 * The shape decides how the router indexes it: `exact` names go in a map, `segments` (only
 * literal, `*` and `**` segments) in a trie, and anything else is a compiled `glob`.
 */
export type Pattern =
  | { readonly type: 'exact'; readonly source: string; readonly test: (name: string) => boolean }
  | { readonly type: 'segments'; readonly source: string; readonly segments: readonly string[]; readonly test: (name: string) => boolean }
  | { readonly type: 'glob'; readonly source: string; readonly test: (name: string) => boolean }

/** Compiles a pattern once; throws `INVALID` for empty or malformed patterns. */
export function compilePattern(source: unknown, what = 'pattern'): Pattern {
  if (typeof source !== 'string') {
    throw busError('INVALID_ARGUMENT', `The ${what} must be a string, got ${describe(source)}.`)
  }
  if (source === '') throw busError('EMPTY_PATTERN', `The ${what} is empty: use a name such as "orders" or a glob such as "orders.*".`)
  checkWellFormed(source, what)

  if (!GLOB_CHARS.test(source)) {
    return { type: 'exact', source, test: (name) => name === source }
  }
  const segments = source.split('.')
  if (segments.every((s) => s === '*' || s === '**' || !GLOB_CHARS.test(s))) {
    return { type: 'segments', source, segments, test: (name) => matchSegments(segments, name.split('.'), 0, 0) }
  }
  return { type: 'glob', source, test: compileGlob(source) }
}

/**
 * Segment globs are matched here rather than by picomatch, for speed and because picomatch
 * lets a trailing `**` after `*` match nothing only sometimes (`a/*` + `/**` refuses `a/x`); this
 * matcher and the router's trie share one rule: `**` takes zero or more whole segments.
 */
function matchSegments(pattern: readonly string[], name: readonly string[], p: number, n: number): boolean {
  for (; p < pattern.length; p++, n++) {
    const segment = pattern[p]
    if (segment === '**') {
      for (let rest = n; rest <= name.length; rest++) if (matchSegments(pattern, name, p + 1, rest)) return true
      return false
    }
    if (n >= name.length || (segment !== '*' && segment !== name[n])) return false
  }
  return n === name.length
}

function checkWellFormed(source: string, what: string): void {
  const malformed = (why: string) =>
    busError('MALFORMED_PATTERN', `The ${what} "${source}" is malformed: ${why}.`)
  if (source.includes('/')) throw malformed('"/" is not allowed, segments are separated by "."')
  if (hasEmptySegment(source)) throw malformed('it has an empty segment')
  if (source.startsWith('!')) throw malformed('negation is not supported, use a policy deny list')
  if (/\*\*\*/.test(source) || /[^.{,]\*\*|\*\*[^.},]/.test(source)) {
    throw malformed('"**" must be a whole segment')
  }
  let braces = 0
  let brackets = 0
  let parens = 0
  for (const char of source) {
    if (char === '{') braces++
    else if (char === '}') braces--
    else if (char === '[') brackets++
    else if (char === ']') brackets--
    else if (char === '(') parens++
    else if (char === ')') parens--
    if (braces < 0 || brackets < 0 || parens < 0) throw malformed(`unbalanced "${char}"`)
  }
  if (braces || brackets || parens) throw malformed('unbalanced brackets or braces')
}

// picomatch's parser, the function it documents as `picomatch.parse`, taken from its module so
// that the bundle carries no matcher wrapper and scanner crossbus does not use. Its types list
// only `maxLength`, but it takes every picomatch option.
const parseGlob = parse as (glob: string, options: PicomatchOptions) => { output: string }

/**
 * picomatch separates segments with `/`, so `.` is mapped to `/` on both sides. The regular
 * expression is the one `picomatch.makeRe` builds from the parser's output; taking the parser
 * alone keeps about 2 KB (gzipped) of matcher and scanner code out of every app.
 */
export function compileGlob(source: string): (name: string) => boolean {
  const regex = new RegExp(`^(?:${parseGlob(toSlashes(source), { dot: true }).output})$`)
  return (name) => regex.test(toSlashes(name))
}

function toSlashes(value: string): string {
  return value.replaceAll('.', '/')
}
