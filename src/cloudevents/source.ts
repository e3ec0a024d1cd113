// A bus system name as a CloudEvents `source`, which must be a URI-reference (RFC 3986).
//
// A system holds no `/`, so its source is one path segment. Every character outside the RFC 3986
// `unreserved` set (`A-Z a-z 0-9 - . _ ~`) and the sub-delims `$ & , =` is percent-encoded as its
// UTF-8 bytes, with upper-case hex: `%` itself, `:` (which in a first segment reads as a scheme),
// `#`, `?`, `@`, `+` (a space to form decoders), `;` (a path parameter to some servers), `'`,
// space, controls and every non-ASCII character. The other sub-delims, `! ( ) *`, are glob
// characters no system holds. A lone surrogate, which a JS string and JSON can hold but UTF-8
// cannot, is written as the three bytes of its code point (generalised UTF-8, as WTF-8 does), so
// that every system round trips.

const KEPT = /^[A-Za-z0-9\-._~$&,=]$/
const HEX = '0123456789ABCDEF'

/** The `source` of a system: the system, percent-encoded where a URI-reference cannot hold it. */
export function encodeSource(system: string): string {
  let source = ''
  // for…of walks code points, and yields a lone surrogate as a code point of its own.
  for (const char of system) {
    if (KEPT.test(char)) {
      source += char
      continue
    }
    for (const byte of utf8(char.codePointAt(0)!)) source += `%${HEX[byte >> 4]}${HEX[byte & 15]}`
  }
  return source
}

/**
 * The system of a `source`: every valid percent-escaped UTF-8 sequence decoded (either case of hex
 * digit; a lone surrogate in generalised UTF-8 included), everything else kept verbatim. Exact
 * inverse of {@link encodeSource}; on a foreign source it never throws: a `%` that starts no valid
 * sequence (`100%`, `%zz`, a truncated, overlong or out-of-range sequence) stays as it is.
 */
export function decodeSource(source: string): string {
  if (!source.includes('%')) return source
  let system = ''
  let index = 0
  while (index < source.length) {
    const decoded = source[index] === '%' ? decodeSequence(source, index) : undefined
    if (decoded === undefined) {
      system += source[index]
      index += 1
    } else {
      system += decoded.char
      index = decoded.end
    }
  }
  return system
}

function utf8(codePoint: number): number[] {
  if (codePoint < 0x80) return [codePoint]
  if (codePoint < 0x800) return [0xc0 | (codePoint >> 6), 0x80 | (codePoint & 63)]
  if (codePoint < 0x10000) return [0xe0 | (codePoint >> 12), 0x80 | ((codePoint >> 6) & 63), 0x80 | (codePoint & 63)]
  return [0xf0 | (codePoint >> 18), 0x80 | ((codePoint >> 12) & 63), 0x80 | ((codePoint >> 6) & 63), 0x80 | (codePoint & 63)]
}

/** The byte of the escape `%XX` at `index`, or undefined when there is none. */
function byteAt(source: string, index: number): number | undefined {
  if (source[index] !== '%') return undefined
  const hex = source.slice(index + 1, index + 3)
  return /^[0-9A-Fa-f]{2}$/.test(hex) ? Number.parseInt(hex, 16) : undefined
}

/** The character of the UTF-8 sequence of escapes at `index`, or undefined when it is malformed. */
function decodeSequence(source: string, index: number): { char: string; end: number } | undefined {
  const lead = byteAt(source, index)
  if (lead === undefined) return undefined
  // Bytes in the sequence, and the least code point that needs that many (smaller is overlong).
  const [length, least] = lead < 0x80 ? [1, 0] : lead >= 0xc2 && lead <= 0xdf ? [2, 0x80] : lead >= 0xe0 && lead <= 0xef ? [3, 0x800] : lead >= 0xf0 && lead <= 0xf4 ? [4, 0x10000] : [0, 0]
  if (length === 0) return undefined
  let codePoint = length === 1 ? lead : lead & (0x7f >> length)
  for (let i = 1; i < length; i++) {
    const byte = byteAt(source, index + 3 * i)
    if (byte === undefined || (byte & 0xc0) !== 0x80) return undefined
    codePoint = (codePoint << 6) | (byte & 63)
  }
  if (codePoint < least || codePoint > 0x10ffff) return undefined
  return { char: String.fromCodePoint(codePoint), end: index + 3 * length }
}
