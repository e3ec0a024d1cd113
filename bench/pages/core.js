// The core benchmark cases, run in the page by bench/suites/core.mjs. Every case builds its
// contenders side by side in this page; each contender is its own loop function, so that no call
// site is shared (and made polymorphic) between them.
//
// What each send does, for a fair comparison (see bench/README.md):
// - crossbus: `bus.send('orders', 'order.created', '/orders/1', { n })`: validates (cached), checks
//   the policy (none), builds the event { id, system, kind, path, data, time, origin, seq },
//   routes it (cached) and calls each subscription's observer.
// - mitt: builds the same event object itself (id from origin and seq, Date.now()) and calls
//   `emitter.emit('orders', event)`.
// - mitt, bare: `emitter.emit('orders', { n })`, the data alone: what a send costs beyond mitt's call.
// - RxJS: builds the same event object and calls `subject.next(event)`.
// Every subscriber is its own closure that counts the event and keeps it (`last = e`), so no
// engine can optimise the event away.
import { createBus } from '/src/index.ts'
import mitt from 'mitt'
import { Subject } from 'rxjs'

let received = 0
let last
const handler = () => (event) => {
  received++
  last = event
}

/** A peer's event: the same fields crossbus builds, made the same way. */
function peerEvents() {
  const origin = Math.random().toString(36).slice(2, 16)
  let seq = 0
  return (data) => {
    seq++
    return { id: `${origin}-${seq}`, system: 'orders', kind: 'order.created', path: '/orders/1', data, time: Date.now(), origin, seq }
  }
}

// `crossTab: false` keeps the bus local if cross-tab sync exists; older buses ignore the option.
const newBus = () => createBus({ name: `bench-${Math.random().toString(36).slice(2)}`, crossTab: false })

function sendCase(subscribers) {
  const bus = newBus()
  for (let i = 0; i < subscribers; i++) bus.subscribe('orders').subscribe(handler())

  const emitter = mitt()
  for (let i = 0; i < subscribers; i++) emitter.on('orders', handler())
  const mittEvent = peerEvents()
  const bare = mitt()
  for (let i = 0; i < subscribers; i++) bare.on('orders', handler())

  const subject = new Subject()
  for (let i = 0; i < subscribers; i++) subject.subscribe(handler())
  const rxEvent = peerEvents()

  return {
    deliveriesPerOp: { crossbus: subscribers, mitt: subscribers, bare: subscribers, rxjs: subscribers },
    loops: {
      crossbus(n) {
        for (let i = 0; i < n; i++) bus.send('orders', 'order.created', '/orders/1', { n: i })
      },
      mitt(n) {
        for (let i = 0; i < n; i++) emitter.emit('orders', mittEvent({ n: i }))
      },
      bare(n) {
        for (let i = 0; i < n; i++) bare.emit('orders', { n: i })
      },
      rxjs(n) {
        for (let i = 0; i < n; i++) subject.next(rxEvent({ n: i }))
      },
    },
    close() {
      bus.close()
      emitter.all.clear()
      bare.all.clear()
      subject.complete()
    },
  }
}

/**
 * `count` subscriptions on distinct systems: odd i a segment glob `s<i>.*`, even i an exact
 * `s<i>.x`. So `s7.x` is matched by exactly one glob subscription and `s8.x` by exactly one
 * exact subscription, in the 10 case as in the 10,000 case.
 */
function routedBus(count) {
  const bus = newBus()
  for (let i = 1; i <= count; i++) bus.subscribe(i % 2 ? `s${i}.*` : `s${i}.x`).subscribe(handler())
  return bus
}

function routeCase(target) {
  const large = routedBus(10_000)
  const small = routedBus(10)
  return {
    deliveriesPerOp: { large: 1, small: 1 },
    loops: {
      large(n) {
        for (let i = 0; i < n; i++) large.send(target, 'order.created', '/orders/1', { n: i })
      },
      small(n) {
        for (let i = 0; i < n; i++) small.send(target, 'order.created', '/orders/1', { n: i })
      },
    },
    close() {
      large.close()
      small.close()
    },
  }
}

/**
 * Every send goes to another of 2,048 systems, more than the router caches, so each one takes
 * the uncached path (exact map, trie walk, glob scan, sort). Each target matches exactly one
 * subscription: in the 10,000 case its own `s<k>.*` or `s<k>.x`, in the 10 case a `*.x` (the
 * other nine, `s1.*` ... `s9.*`, never match the `t<k>.x` targets).
 */
function uncachedRouteCase() {
  const systems = 2048
  const large = routedBus(10_000)
  const largeTargets = Array.from({ length: systems }, (_, k) => `s${k + 1}.x`)
  const small = newBus()
  small.subscribe('*.x').subscribe(handler())
  for (let i = 1; i <= 9; i++) small.subscribe(`s${i}.*`).subscribe(handler())
  const smallTargets = Array.from({ length: systems }, (_, k) => `t${k + 1}.x`)
  let next = 0
  return {
    deliveriesPerOp: { large: 1, small: 1 },
    loops: {
      large(n) {
        for (let i = 0; i < n; i++) large.send(largeTargets[next++ & (systems - 1)], 'order.created', '/orders/1', { n: i })
      },
      small(n) {
        for (let i = 0; i < n; i++) small.send(smallTargets[next++ & (systems - 1)], 'order.created', '/orders/1', { n: i })
      },
    },
    close() {
      large.close()
      small.close()
    },
  }
}

const cases = {
  send1: () => sendCase(1),
  send100: () => sendCase(100),
  routeGlob: () => routeCase('s7.x'),
  routeExact: () => routeCase('s8.x'),
  routeUncached: uncachedRouteCase,
}

function timeLoop(loop, n) {
  const start = performance.now()
  loop(n)
  return performance.now() - start
}

/** Ops per batch so that one batch takes about `batchMs` (timers are coarse in a page). */
function calibrate(loop, batchMs) {
  let n = 16
  for (;;) {
    const ms = timeLoop(loop, n)
    if (ms >= batchMs || n >= 1 << 26) return Math.max(1, Math.round((n * batchMs) / Math.max(ms, 0.01)))
    n *= ms < batchMs / 8 ? 8 : 2
  }
}

/** Runs whole batches for at least `ms` and returns ops per second. */
function measure(loop, n, ms) {
  let ops = 0
  const start = performance.now()
  let elapsed = 0
  do {
    loop(n)
    ops += n
    elapsed = performance.now() - start
  } while (elapsed < ms)
  return (ops * 1000) / elapsed
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/**
 * Warms every contender up, then runs `rounds` rounds in which each contender runs for
 * `roundMs`, the order rotating each round; returns the median ops/s of each.
 */
export function runCase(name, { warmupMs = 400, roundMs = 150, rounds = 7, batchMs = 10 } = {}) {
  const setupStart = performance.now()
  const bench = cases[name]()
  const setupMs = performance.now() - setupStart
  const names = Object.keys(bench.loops)
  try {
    // Each contender must deliver what it claims, or the numbers mean nothing.
    for (const contender of names) {
      const before = received
      bench.loops[contender](10)
      const got = received - before
      const want = 10 * bench.deliveriesPerOp[contender]
      if (got !== want) throw new Error(`${name}/${contender}: ${got} deliveries for 10 sends, expected ${want}`)
    }
    for (let pass = 0; pass < 2; pass++) {
      for (const contender of names) measure(bench.loops[contender], 1000, warmupMs / 2)
    }
    const batch = Object.fromEntries(names.map((contender) => [contender, calibrate(bench.loops[contender], batchMs)]))
    const samples = Object.fromEntries(names.map((contender) => [contender, []]))
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < names.length; k++) {
        const contender = names[(round + k) % names.length]
        samples[contender].push(measure(bench.loops[contender], batch[contender], roundMs))
      }
    }
    const medians = Object.fromEntries(names.map((contender) => [contender, median(samples[contender])]))
    return { medians, samples, setupMs, keep: typeof last }
  } finally {
    bench.close()
  }
}

/**
 * Subscription churn: subscribe then close `count` subscriptions (`s<i>.*` / `s<i>.x`) on a bus
 * whose route cache is empty, and on one whose cache holds 1,024 systems. Returns the median
 * subscribe+close pairs per second of each over `rounds` alternating rounds.
 */
export function runChurn({ count = 2000, rounds = 5 } = {}) {
  const cold = newBus()
  const warm = newBus()
  for (let k = 1; k <= 1024; k++) warm.send(`w${k}.x`, 'order.created', '/orders/1')
  const churn = (bus) => {
    const start = performance.now()
    const subs = []
    for (let i = 1; i <= count; i++) subs.push(bus.subscribe(i % 2 ? `s${i}.*` : `s${i}.x`))
    for (const sub of subs) sub.close()
    return (count * 1000) / (performance.now() - start)
  }
  const samples = { cold: [], warm: [] }
  try {
    churn(cold)
    churn(warm)
    for (let round = 0; round < rounds; round++) {
      samples.cold.push(churn(cold))
      samples.warm.push(churn(warm))
    }
    return { medians: { cold: median(samples.cold), warm: median(samples.warm) }, samples }
  } finally {
    cold.close()
    warm.close()
  }
}
