import { GLOB_CHARS } from '../../core/index'

/**
 * How system and kind names become NATS subject tokens and back.
 *
 * A subject is `<prefix>.<system segments>.:.<kind segments>`: each `.`-separated segment of a
 * name is one token, and the token `:` separates the system from the kind, so both may have any
 * number of segments (`orders.eu` + `order.created` is `crossbus.shop.orders.eu.:.order.created`).
 * Within a segment, `A-Z a-z 0-9 - _` stay as they are and every other character becomes `%XX`
 * per UTF-8 byte (`%` itself included): a token is then never empty, never a wildcard (`*`, `>`),
 * never starts with `$`, holds no whitespace, and is never the bare `:` separator.
 */
export const KIND_SEPARATOR = ':'

const PLAIN = /^[A-Za-z0-9_-]*$/
const UNRESERVED = /[A-Za-z0-9_-]/
const ESCAPE = /^%[0-9A-F]{2}$/
const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/** One name segment as a subject token. */
export function encodeToken(segment: string): string {
  if (PLAIN.test(segment)) return segment
  let out = ''
  for (const char of segment) {
    if (UNRESERVED.test(char)) out += char
    else for (const byte of encoder.encode(char)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/** The inverse of {@link encodeToken}; `undefined` for a token it never produces. */
export function decodeToken(token: string): string | undefined {
  if (PLAIN.test(token)) return token === '' ? undefined : token
  const bytes: number[] = []
  for (let i = 0; i < token.length; ) {
    const char = token[i]!
    if (char === '%') {
      const escape = token.slice(i, i + 3)
      if (!ESCAPE.test(escape)) return undefined
      bytes.push(Number.parseInt(escape.slice(1), 16))
      i += 3
    } else if (UNRESERVED.test(char)) {
      bytes.push(char.charCodeAt(0))
      i++
    } else {
      return undefined
    }
  }
  let text: string
  try {
    text = decoder.decode(new Uint8Array(bytes))
  } catch {
    return undefined
  }
  // Canonical only: a character that needs no escape must not arrive escaped (one subject per name).
  return encodeToken(text) === token ? text : undefined
}

/**
 * The subject an event of this system and kind is published on (`natsSubject` of `crossbus/nats`),
 * for other NATS clients that publish to or subscribe on bridged buses.
 *
 * @example
 * natsSubject('crossbus.shop', 'orders.eu', 'order.created') // 'crossbus.shop.orders.eu.:.order.created'
 */
export function subjectOf(prefix: string, system: string, kind: string): string {
  return `${prefix}.${system.split('.').map(encodeToken).join('.')}.${KIND_SEPARATOR}.${kind.split('.').map(encodeToken).join('.')}`
}

/**
 * The system and kind a subject names, or `undefined` if it is not one {@link subjectOf} makes
 * (`parseNatsSubject` of `crossbus/nats`).
 *
 * @example
 * parseNatsSubject('crossbus.shop', 'crossbus.shop.my%20system.:.a%3Ab') // { system: 'my system', kind: 'a:b' }
 */
export function parseSubject(prefix: string, subject: string): { system: string; kind: string } | undefined {
  if (!subject.startsWith(`${prefix}.`)) return undefined
  const tokens = subject.slice(prefix.length + 1).split('.')
  const separator = tokens.indexOf(KIND_SEPARATOR)
  if (separator < 1 || separator === tokens.length - 1 || tokens.lastIndexOf(KIND_SEPARATOR) !== separator) return undefined
  const names = tokens.map(decodeToken)
  if (names.some((name, i) => name === undefined && i !== separator)) return undefined
  return { system: names.slice(0, separator).join('.'), kind: names.slice(separator + 1).join('.') }
}

/**
 * The NATS subscription subject for a crossbus system pattern and kind filter: literal segments
 * stay tokens, `*` stays `*`, and the first segment NATS cannot say exactly (`**`, `ord*`,
 * `{a,b}`) becomes `*` (one segment) or `>` (the rest). Whatever NATS lets through is matched
 * against the pattern again here, so the subject only has to be as wide as the pattern or wider.
 */
export function subscriptionSubject(prefix: string, system: string | undefined, kind: string | undefined): string {
  const systemTokens = patternTokens(system)
  if (systemTokens[systemTokens.length - 1] === '>') return [prefix, ...systemTokens].join('.')
  return [prefix, ...systemTokens, KIND_SEPARATOR, ...patternTokens(kind)].join('.')
}

/** The fewest subjects covering all of them: `<prefix>.>` alone if one is that, duplicates once. */
export function coveringSubjects(prefix: string, subjects: readonly string[]): string[] {
  const everything = `${prefix}.>`
  return subjects.includes(everything) ? [everything] : [...new Set(subjects)]
}

function patternTokens(pattern: string | undefined): string[] {
  if (pattern === undefined) return ['>']
  const tokens: string[] = []
  for (const segment of pattern.split('.')) {
    // A brace may span segments (`{orders.**,payments}`): from there on, anything.
    if (segment === '**' || /[{}]/.test(segment)) return [...tokens, '>']
    tokens.push(segment === '*' || GLOB_CHARS.test(segment) ? '*' : encodeToken(segment))
  }
  return tokens
}
