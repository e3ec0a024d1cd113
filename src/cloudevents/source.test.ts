import { describe, it, expect } from 'vitest'
import { CloudEvent } from 'cloudevents'
import { BusError, checkSystem, GLOB_CHARS, type BusEvent } from '../core/index'
import { fromCloudEventBatch, toCloudEventBatch } from './batch'
import { EXTERNAL_ORIGIN, fromCloudEvent, toCloudEvent } from './event'
import { decodeSource, encodeSource } from './source'

function busEvent(overrides: Partial<BusEvent> = {}): BusEvent {
  return {
    id: 'tab1-7',
    system: 'orders.eu',
    kind: 'order.created',
    path: '/orders/123',
    data: { total: 1 },
    time: Date.UTC(2024, 4, 1, 12, 0, 0, 123),
    origin: 'tab1',
    seq: 7,
    ...overrides,
  }
}

// RFC 3986 `segment-nz-nc`: one path segment with no colon, so a relative reference that has no
// scheme, authority, query or fragment. The SDK's uri-reference check is laxer (it takes `"`, and
// takes `a#b` as path `a` with fragment `b`), so the tests hold the source to this as well.
const SEGMENT_NZ_NC = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=@]|%[0-9A-Fa-f]{2})+$/
// What crossbus writes: the kept characters and upper-case escapes, nothing else.
const CROSSBUS_SOURCE = /^(?:[A-Za-z0-9\-._~$&,=]|%[0-9A-F]{2})+$/

/** Asserts that the SDK accepts `json` strictly, and returns what the SDK serialises. */
function sdkText(json: object): string {
  const cloudEvent = new CloudEvent(json)
  expect(cloudEvent.validate()).toBe(true)
  return cloudEvent.toString()
}

function expectValidAndLossless(evt: BusEvent): void {
  const json = toCloudEvent(evt)
  expect(json.source).toMatch(SEGMENT_NZ_NC)
  expect(json.source).toMatch(CROSSBUS_SOURCE)
  expect(fromCloudEvent(JSON.parse(JSON.stringify(json)))).toStrictEqual(evt)
  expect(fromCloudEvent(JSON.parse(sdkText(json)))).toStrictEqual(evt)
}

// Names a URI-reference cannot hold as they are, with the source crossbus writes for each.
const systems: [system: string, source: string][] = [
  ['my system', 'my%20system'],
  ['заказы.eu', '%D0%B7%D0%B0%D0%BA%D0%B0%D0%B7%D1%8B.eu'],
  ['注文.東京', '%E6%B3%A8%E6%96%87.%E6%9D%B1%E4%BA%AC'],
  ['cart.🛒', 'cart.%F0%9F%9B%92'],
  ['famille.👩‍👩‍👧', 'famille.%F0%9F%91%A9%E2%80%8D%F0%9F%91%A9%E2%80%8D%F0%9F%91%A7'],
  ['100%', '100%25'],
  ['%41', '%2541'],
  ['%zz', '%25zz'],
  ['a#b', 'a%23b'],
  ['a:b', 'a%3Ab'],
  ['a:b.c', 'a%3Ab.c'],
  ['urn:orders', 'urn%3Aorders'],
  ['https:.example', 'https%3A.example'],
  ['a+b', 'a%2Bb'],
  ['a&b=c', 'a&b=c'],
  ['$price,eur', '$price,eur'],
  ["o'brien", 'o%27brien'],
  ['"quoted"', '%22quoted%22'],
  ['user@host', 'user%40host'],
  ['~home.a-b_c', '~home.a-b_c'],
  ['a;b', 'a%3Bb'],
  ['back\\slash', 'back%5Cslash'],
  ['^`|<>', '%5E%60%7C%3C%3E'],
  ['tab\there', 'tab%09here'],
  ['nul\u0000', 'nul%00'],
  ['\uFEFFbom', '%EF%BB%BFbom'],
]

describe('system names a URI-reference cannot hold as they are', () => {
  it('are percent-encoded (UTF-8) into the source, as documented', () => {
    for (const [system, source] of systems) expect(toCloudEvent(busEvent({ system })).source).toBe(source)
  })

  it('keep a system that is already a URI-reference as it is', () => {
    for (const system of ['orders', 'orders.eu', 'Orders.EU-1_x~y']) expect(toCloudEvent(busEvent({ system })).source).toBe(system)
  })

  it('make CloudEvents the SDK validates and that decode back to the same event', () => {
    for (const [system] of systems) expectValidAndLossless(busEvent({ system }))
  })

  it('do so through the batch mapping too', () => {
    const events = systems.map(([system], index) => busEvent({ id: `tab1-${index}`, system, seq: index + 1 }))
    const batch = toCloudEventBatch(events)
    expect(batch.map((json) => json.source)).toEqual(systems.map(([, source]) => source))
    for (const json of batch) sdkText(json)
    expect(fromCloudEventBatch(JSON.parse(JSON.stringify(batch)))).toStrictEqual(events)
    expect(fromCloudEventBatch(batch.map((json) => JSON.parse(sdkText(json))))).toStrictEqual(events)
  })

  it('round trip a lone surrogate, which JSON keeps, as its generalised UTF-8 bytes', () => {
    for (const system of ['\uD800', 'a\uDC00b', '\uDBFF.x\uD800']) expectValidAndLossless(busEvent({ system }))
    expect(toCloudEvent(busEvent({ system: '\uD800' })).source).toBe('%ED%A0%80')
  })
})

describe('type (kind) and subject (path)', () => {
  // The spec and the SDK ask only for a non-empty string, so both travel verbatim.
  const texts = ['order created', 'заказ.создан', '注文', '🛒', ' ', '%zz', 'a#b?c:d', '\u0000\t\n', '"\'\\^`|<>', 'a/b', '*?[]{}()!', '\uD800']

  it('pass the SDK verbatim with any characters, and round trip', () => {
    for (const text of texts) {
      const evt = busEvent({ kind: text, path: text })
      const json = toCloudEvent(evt)
      expect(json.type).toBe(text)
      expect(json.subject).toBe(text)
      expect(fromCloudEvent(JSON.parse(sdkText(json)))).toStrictEqual(evt)
    }
  })
})

// A small, seeded PRNG (mulberry32), so every run checks the same names.
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

const range = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => String.fromCodePoint(from + i))

// Every character a system segment may hold, weighted towards the ones an encoding gets wrong.
const pools: string[][] = [
  range(0x20, 0x7e).filter((char) => char !== '/' && char !== '.' && !GLOB_CHARS.test(char)), // printable ASCII
  ['%', '%', '%', '2', '5', 'A', 'f', 'F', 'z', ':', '#', '@', '+', ' '], // escape look-alikes
  range(0x00, 0x1f).concat(['\u007f']), // controls
  range(0xa0, 0x17f), // Latin-1 and Latin Extended-A
  range(0x400, 0x44f), // Cyrillic
  range(0x4e00, 0x4e80), // CJK
  range(0x5d0, 0x5ea).concat(range(0x627, 0x64a)), // Hebrew, Arabic (right to left)
  range(0x300, 0x36f), // combining marks
  range(0x1f300, 0x1f64f).concat(['\u200d', '\ufe0f']), // emoji, ZWJ, variation selector
  ['\uFEFF', '\uFFFD', '\uFFFF', '\u2028', '\u2029', String.fromCodePoint(0x10ffff)],
  ['\uD800', '\uDBFF', '\uDC00', '\uDFFF'], // lone surrogates
]

function systemName(next: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!
  const segments = Array.from({ length: 1 + Math.floor(next() * 4) }, () =>
    Array.from({ length: 1 + Math.floor(next() * 8) }, () => pick(pick(pools))).join(''),
  )
  return segments.join('.')
}

describe('property: every valid system name', () => {
  const next = random(0xc10d)
  const names = Array.from({ length: 3000 }, () => systemName(next))

  it('is a name the bus accepts (the generator is sound)', () => {
    for (const name of names) expect(() => checkSystem(name)).not.toThrow()
  })

  it('maps to a source the SDK validates that decodes back to the same event', () => {
    names.forEach((system, index) => {
      const evt = busEvent({ id: `tab1-${index}`, system, kind: systemName(next), path: `/${systemName(next)}` })
      expectValidAndLossless(evt)
    })
    // 3,000 events through the official SDK's validator: CPU-bound, so bounded for a loaded machine.
  }, 60_000)

  it('round trips as one batch', () => {
    const events = names.map((system, index) => busEvent({ id: `tab1-${index}`, system, seq: index + 1 }))
    expect(fromCloudEventBatch(JSON.parse(JSON.stringify(toCloudEventBatch(events))))).toStrictEqual(events)
  })
})

describe('fromCloudEvent with a foreign source', () => {
  const foreign = (source: string) => ({ specversion: '1.0', id: 'A-1', source, type: 'com.example.ping', subject: 'door' })
  const systemOf = (source: string): string => fromCloudEvent(foreign(source)).system

  it('keeps a URL or path that holds no percent-escape verbatim', () => {
    for (const source of ['https://example.com/orders', '/sensors/7', 'urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66', 'mailto:a@b.c', 'a+b', 'x?y#z']) {
      expect(systemOf(source)).toBe(source)
    }
    expect(fromCloudEvent(foreign('/sensors/7'))).toMatchObject({ origin: EXTERNAL_ORIGIN, seq: 0 })
  })

  it('decodes every valid UTF-8 percent-escape, in either case of hex digit', () => {
    expect(systemOf('https://example.com/caf%C3%A9')).toBe('https://example.com/café')
    expect(systemOf('caf%c3%a9')).toBe('café')
    expect(systemOf('%41%42c')).toBe('ABc')
    expect(systemOf('a%2Fb')).toBe('a/b')
    expect(systemOf('a%2fb%2F%2Fc')).toBe('a/b//c')
  })

  it('leaves malformed escapes verbatim and never throws a URIError', () => {
    const cases: [string, string][] = [
      ['100%', '100%'],
      ['%', '%'],
      ['%%', '%%'],
      ['%4', '%4'],
      ['%zz', '%zz'],
      ['%g0', '%g0'],
      ['%E2%82', '%E2%82'], // truncated sequence
      ['%E2%82x', '%E2%82x'],
      ['%80', '%80'], // lone continuation byte
      ['%C0%AF', '%C0%AF'], // overlong `/`
      ['%E0%80%AF', '%E0%80%AF'], // overlong `/`
      ['%F5%80%80%80', '%F5%80%80%80'], // past U+10FFFF
      ['%F4%90%80%80', '%F4%90%80%80'], // past U+10FFFF
      ['%FF', '%FF'],
      ['%E2%82%AC%zz%41%E2', '€%zzA%E2'], // valid escapes decoded, the rest kept
      ['%C3%A9%C3', 'é%C3'],
      ['%%41', '%A'],
      ['%2541', '%41'], // decoded once, not twice
      ['%ED%A0%80', '\uD800'], // a lone surrogate in generalised UTF-8, as crossbus writes it
    ]
    for (const [source, system] of cases) {
      expect(() => systemOf(source)).not.toThrow()
      expect(systemOf(source), source).toBe(system)
    }
  })

  it('gives a system the bus refuses at send or inject time when it is no valid name', () => {
    for (const source of ['https://example.com/orders', '/sensors/7', 'a%2Fb', 'a*b', 'a..b']) {
      const system = systemOf(source)
      let error: unknown
      try {
        checkSystem(system)
      } catch (err) {
        error = err
      }
      expect(error, source).toBeInstanceOf(BusError)
      expect((error as BusError).code).toBe('INVALID_SYSTEM')
    }
  })
})

describe('encodeSource and decodeSource', () => {
  it('round trip every UTF-16 code unit and a code point of every plane, one by one and together', () => {
    const units = Array.from({ length: 0x10000 }, (_, unit) => String.fromCharCode(unit))
    const astral = Array.from({ length: 16 }, (_, plane) => [String.fromCodePoint((plane + 1) * 0x10000), String.fromCodePoint((plane + 1) * 0x10000 + 0xfffd)]).flat()
    // Collected rather than asserted one by one, which would take seconds for 65,568 texts.
    const wrong = [...units, ...astral].filter((text) => {
      const source = encodeSource(text)
      return !CROSSBUS_SOURCE.test(source) || decodeSource(source) !== text
    })
    expect(wrong).toEqual([])
    const all = units.join('') + astral.join('')
    expect(decodeSource(encodeSource(all))).toBe(all)
  })

  it('encode as encodeURIComponent does for well-formed text, but for the kept and encoded sub-delims', () => {
    const text = 'a b:c#d?e@f+g;h\'i$j&k,l=m~n%o"p\\q^r`s|t<u>v€w🛒x'
    const expected = encodeURIComponent(text).replace(/%2[46C]|%3D|'/g, (escape) => (escape === "'" ? '%27' : decodeURIComponent(escape)))
    expect(encodeSource(text)).toBe(expected)
    expect(decodeSource(expected)).toBe(text)
  })
})
