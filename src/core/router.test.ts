import { describe, expect, it } from 'vitest'
import { compilePattern } from './pattern'
import { Router, type Route } from './router'

let serial = 0
function route(pattern: string, admits: (system: string) => boolean = () => true): Route {
  return { serial: ++serial, pattern: compilePattern(pattern), admits }
}

const sources = (routes: readonly Route[]) => routes.map((r) => r.pattern.source)

describe('router', () => {
  it('finds exact, segment-glob and other-glob routes, in creation order', () => {
    const router = new Router<Route>()
    for (const p of ['orders.*', 'orders.eu', '**', 'orders.**', '{orders,users}.eu', 'users', 'ord*.eu', '*.west']) router.add(route(p))
    expect(sources(router.match('orders.eu'))).toEqual(['orders.*', 'orders.eu', '**', 'orders.**', '{orders,users}.eu', 'ord*.eu'])
    expect(sources(router.match('orders'))).toEqual(['**', 'orders.**'])
    expect(sources(router.match('users'))).toEqual(['**', 'users'])
    expect(sources(router.match('orders.eu.west'))).toEqual(['**', 'orders.**'])
    expect(sources(router.match('x.west'))).toEqual(['**', '*.west'])
  })

  it('agrees with the compiled glob for every pattern and system', () => {
    const patterns = ['a', 'a.*', 'a.**', '**', '*', '*.b', 'a.*.c', 'a.**.c', '**.c', '*.*', '{a,b}.c', 'a?', 'a.b.c', 'a.*.**', '**.**', '*.**.*']
    const systems = ['a', 'b', 'c', 'a.b', 'a.c', 'b.c', 'a.b.c', 'a.x.y.c', 'ab', 'a.b.c.d']
    const router = new Router<Route>()
    const routes = patterns.map((p) => route(p))
    routes.forEach((r) => router.add(r))
    for (const system of systems) {
      const expected = routes.filter((r) => r.pattern.test(system))
      expect(router.match(system), system).toEqual(expected)
    }
  })

  it('keeps its cache right as routes come and go', () => {
    const router = new Router<Route>()
    const first = route('orders.*')
    router.add(first)
    expect(router.match('orders.eu')).toEqual([first])
    const second = route('orders.eu')
    router.add(second)
    expect(router.match('orders.eu')).toEqual([first, second])
    router.remove(first)
    expect(router.match('orders.eu')).toEqual([second])
    router.remove(second)
    expect(router.match('orders.eu')).toEqual([])
  })

  it('never mutates a match list it handed out', () => {
    const router = new Router<Route>()
    const first = route('orders')
    router.add(first)
    const handedOut = router.match('orders')
    router.add(route('orders'))
    router.remove(first)
    expect(handedOut).toEqual([first])
  })

  it('lets a route refuse systems its pattern matches (a policy)', () => {
    const router = new Router<Route>()
    const scoped = route('**', (system) => system.startsWith('cart'))
    router.add(scoped)
    expect(router.match('cart.items')).toEqual([scoped])
    expect(router.match('orders')).toEqual([])
  })

  it('prunes the trie so removed patterns leave nothing behind', () => {
    const router = new Router<Route>()
    const routes = Array.from({ length: 100 }, (_, i) => route(`s${i}.*.x`))
    routes.forEach((r) => router.add(r))
    routes.forEach((r) => router.remove(r))
    expect(router.match('s1.a.x')).toEqual([])
    expect((router as unknown as { trie: { literal: Map<string, unknown> } }).trie.literal.size).toBe(0)
  })

  it('ignores removing a route twice', () => {
    const router = new Router<Route>()
    const r = route('a.*')
    router.add(r)
    router.remove(r)
    router.remove(r)
    expect(router.match('a.b')).toEqual([])
    router.add(r)
    expect(router.match('a.b')).toEqual([r])
  })
})
