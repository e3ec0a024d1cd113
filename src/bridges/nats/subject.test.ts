import { describe, expect, it } from 'vitest'
import { coveringSubjects, decodeToken, encodeToken, parseSubject, subjectOf, subscriptionSubject } from './subject'

describe('subjects', () => {
  it('keeps the dots of systems and kinds as tokens, with ":" between them', () => {
    expect(subjectOf('crossbus.shop', 'orders.eu', 'order.created')).toBe('crossbus.shop.orders.eu.:.order.created')
    expect(parseSubject('crossbus.shop', 'crossbus.shop.orders.eu.:.order.created')).toEqual({ system: 'orders.eu', kind: 'order.created' })
  })

  it('maps any name to valid tokens and back: wildcards, whitespace, "$", "%", ":" and non-ASCII are escaped', () => {
    const names = ['a b', '>', 'a*b', '$SYS', '100%', ':', 'заказы', 'emoji😀', 'tab\there', 'x,y=z', 'under_score-dash']
    for (const name of names) {
      const token = encodeToken(name)
      expect(token).toMatch(/^[A-Za-z0-9_%-]+$/)
      expect(decodeToken(token)).toBe(name)
    }
    expect(encodeToken('a b')).toBe('a%20b')
    expect(encodeToken('заказы')).toBe('%D0%B7%D0%B0%D0%BA%D0%B0%D0%B7%D1%8B')
    const subject = subjectOf('p', 'my system.>', 'a:b')
    expect(subject).toBe('p.my%20system.%3E.:.a%3Ab')
    expect(parseSubject('p', subject)).toEqual({ system: 'my system.>', kind: 'a:b' })
  })

  it('refuses subjects the bridge never makes', () => {
    for (const subject of ['p.orders.order', 'p.:.kind', 'p.orders.:', 'p.a.:.b.:.c', 'q.orders.:.k', 'p.a%2.:.k', 'p.a%zz.:.k', 'p.%61.:.k', 'p.%FF.:.k', 'p.a b.:.k', 'p..:.k']) {
      expect(parseSubject('p', subject), subject).toBeUndefined()
    }
  })

  it('subscribes with NATS wildcards where the pattern maps, wider where it does not', () => {
    const cases: Array<[string | undefined, string | undefined, string]> = [
      [undefined, undefined, 'p.>'],
      ['orders', undefined, 'p.orders.:.>'],
      ['orders', 'order.created', 'p.orders.:.order.created'],
      ['orders.*', '*.created', 'p.orders.*.:.*.created'],
      ['orders.**', 'order.created', 'p.orders.>'],
      ['ord*.eu', undefined, 'p.*.eu.:.>'],
      ['{orders,users}.eu', undefined, 'p.>'],
      ['shop.{orders,users}', 'x', 'p.shop.>'],
      ['orders', 'order.**', 'p.orders.:.order.>'],
      ['my system', undefined, 'p.my%20system.:.>'],
    ]
    for (const [system, kind, subject] of cases) expect(subscriptionSubject('p', system, kind), `${system} ${kind}`).toBe(subject)
  })

  it('subscribes once to what covers everything', () => {
    expect(coveringSubjects('p', ['p.a.:.>', 'p.>', 'p.b.:.>'])).toEqual(['p.>'])
    expect(coveringSubjects('p', ['p.a.:.>', 'p.a.:.>', 'p.b.:.>'])).toEqual(['p.a.:.>', 'p.b.:.>'])
  })
})
