// The NATS bridge in real Chromium against a real nats-server (Debian's, started per test with
// WebSocket on 127.0.0.1 by e2e/fixtures/nats/server.mjs). Each browser context is a "device": its
// tabs share a BroadcastChannel, two contexts share nothing but the NATS server.
import { connect } from '@nats-io/transport-node'
import { expect } from '@playwright/test'
import { delivered, expectDelivered, FIXTURE, numbers, range, RETRY, settled, test, twoTabsAndARemote, watch } from './support/nats-devices'
import { uniqueName } from './support/tabs'

test('1,000 events each way between two devices arrive once, in order, with their identity, and never echo or loop', async ({ device, nats }) => {
  const busName = uniqueName('nats')
  const options = { busName, servers: nats.wsUrl, retry: RETRY }
  const a = await device(options)
  const b = await device(options)

  await Promise.all([a.page.evaluate(() => window.device!.send('orders', 0, 1000, 50, 1)), b.page.evaluate(() => window.device!.send('payments', 0, 1000, 50, 1))])

  await expectDelivered(b.page, 'orders', range(0, 1000))
  await expectDelivered(a.page, 'payments', range(0, 1000))
  // The identity an event had on its device is the one it has on the other.
  const sentByA = await a.page.evaluate(() => window.device!.delivered.filter((d) => d.system === 'orders').map((d) => d.id))
  expect((await delivered(b.page, 'orders')).map((d) => d.id)).toEqual(sentByA)
  // Nothing more comes before a marker sent after it: no echo back to the sender, no loop between the two.
  await settled(b.page, a.page)
  await settled(a.page, b.page)
  expect(numbers(await delivered(a.page, 'payments'))).toEqual(range(0, 1000))
  expect(numbers(await delivered(b.page, 'orders'))).toEqual(range(0, 1000))
  expect(await a.page.evaluate(() => window.device!.delivered.filter((d) => d.system !== 'marker').length)).toBe(2000)
  expect(await b.page.evaluate(() => window.device!.delivered.filter((d) => d.system !== 'marker').length)).toBe(2000)
  for (const tab of [a, b]) {
    expect(await tab.page.evaluate(() => window.device!.errors)).toEqual([])
    expect(await tab.page.evaluate(() => window.device!.bus.stats().dropped)).toBe(0)
    tab.check()
  }
})

test('a burst past maxQueuedEvents goes out while connected; a server restart mid-stream loses nothing sent while it was down, within maxQueuedEvents; past it NATS_QUEUE_FULL is reported', async ({ device, nats }) => {
  const busName = uniqueName('nats')
  const a = await device({ busName, servers: nats.wsUrl, retry: RETRY, maxQueuedEvents: 150 })
  const b = await device({ busName, servers: nats.wsUrl, retry: RETRY })

  // 400 events in one task, more than maxQueuedEvents: the bound holds what a connection cannot take,
  // so a connected bridge publishes them all (it exports a task's events at its end, or sooner).
  await a.page.evaluate(() => window.device!.send('orders', 0, 400))
  await expectDelivered(b.page, 'orders', range(0, 400))
  expect(await a.page.evaluate(() => window.device!.errors)).toEqual([])

  // Hold A off the server until B is back, so B is subscribed again before A's queue goes out:
  // NATS keeps nothing for a subscriber that is not there.
  await a.page.evaluate(async ([url]) => (await import(url!)).gate(true), [FIXTURE])
  await nats.stop()
  await expect.poll(() => a.page.evaluate(() => window.device!.statuses.at(-1))).toBe('reconnecting')
  // 200 events while the server is down: the first 150 queue, the other 50 are refused.
  await a.page.evaluate(() => window.device!.send('orders', 400, 200, 20, 5))
  expect(await a.page.evaluate(() => window.device!.errors)).toEqual(['NATS_QUEUE_FULL'])

  await nats.start()
  await expect.poll(() => b.page.evaluate(() => window.device!.statuses), { timeout: 15_000 }).toEqual(['connecting', 'connected', 'reconnecting', 'connected'])
  await a.page.evaluate(async ([url]) => (await import(url!)).gate(false), [FIXTURE])
  await expect.poll(() => a.page.evaluate(() => window.device!.statuses), { timeout: 15_000 }).toEqual(['connecting', 'connected', 'reconnecting', 'connected'])
  await a.page.evaluate(() => window.device!.send('orders', 600, 50, 10, 5))

  await expectDelivered(b.page, 'orders', [...range(0, 550), ...range(600, 50)])
  // The queue reported once, not once per refused event; B, on the receiving side, saw no error.
  expect(await a.page.evaluate(() => window.device!.errors)).toEqual(['NATS_QUEUE_FULL'])
  expect(await b.page.evaluate(() => window.device!.errors)).toEqual([])
  a.check()
  b.check()
})

test('two tabs of one device bridge once, and closing the leading tab hands over without losing or repeating events', async ({ browser, device, nats }) => {
  const busName = uniqueName('nats')
  const options = { busName, servers: nats.wsUrl, retry: RETRY }
  const { context, leader, standby, remote } = await twoTabsAndARemote(browser, device, options)
  expect(await standby.page.evaluate(() => window.device!.leading)).toBe(false)

  // Both tabs bridging: each event once in each tab, once on the other device.
  await remote.page.evaluate(() => window.device!.send('payments', 0, 100, 10, 2))
  await standby.page.evaluate(() => window.device!.send('orders', 0, 100, 10, 2))
  await expectDelivered(leader.page, 'payments', range(0, 100))
  await expectDelivered(standby.page, 'payments', range(0, 100))
  await expectDelivered(remote.page, 'orders', range(0, 100))

  // Both directions keep flowing while the leading tab closes.
  const remoteSending = remote.page.evaluate(() => window.device!.send('payments', 100, 400, 5, 5))
  const standbySending = standby.page.evaluate(() => window.device!.send('orders', 100, 400, 5, 5))
  await expect.poll(async () => (await delivered(standby.page, 'payments')).length).toBeGreaterThan(200)
  await leader.page.close()
  await expect.poll(() => standby.page.evaluate(() => window.device!.leading)).toBe(true)
  await Promise.all([remoteSending, standbySending])

  await expectDelivered(standby.page, 'payments', range(0, 500))
  await expectDelivered(remote.page, 'orders', range(0, 500))
  // No late second copy from the handover: nothing more came before markers sent after it all.
  await settled(remote.page, standby.page)
  await settled(standby.page, remote.page)
  expect(numbers(await delivered(standby.page, 'payments'))).toEqual(range(0, 500))
  expect(numbers(await delivered(remote.page, 'orders'))).toEqual(range(0, 500))
  expect(await standby.page.evaluate(() => window.device!.errors)).toEqual([])
  expect(await remote.page.evaluate(() => window.device!.errors)).toEqual([])
  standby.check()
  remote.check()
  await context.close()
})

test('garbage, oversized and policy-refused messages from a Node client are dropped, counted and reported, never delivered', async ({ device, nats }) => {
  const busName = uniqueName('nats')
  const tab = await device({
    busName,
    servers: nats.wsUrl,
    maxMessageBytes: 2048,
    policy: { send: ['orders', 'orders.*'], subscribe: ['**'] },
    import: [{ system: 'orders.**' }, { system: 'secret' }],
  })
  const prefix = `crossbus.${busName}`
  const cloudEvent = (id: string, system: string, data: unknown) =>
    JSON.stringify({ specversion: '1.0', id, source: system, type: 'thing.happened', subject: '/things/1', time: new Date().toISOString(), datacontenttype: 'application/json', data })

  const node = await connect({ servers: nats.natsUrl })
  try {
    node.publish(`${prefix}.orders.:.thing.happened`, 'garbage, not JSON')
    node.publish(`${prefix}.orders.:.thing.happened`, JSON.stringify({ hello: 'not a CloudEvent' }))
    node.publish(`${prefix}.orders.:.thing.happened`, cloudEvent('big', 'orders', { n: 1, pad: 'x'.repeat(4096) }))
    node.publish(`${prefix}.orders.eu.:.thing.happened`, cloudEvent('wrong-subject', 'orders', { n: 2 }))
    node.publish(`${prefix}.secret.:.thing.happened`, cloudEvent('denied', 'secret', { n: 3 }))
    // Outside the import patterns: filtered here, neither delivered nor counted.
    node.publish(`${prefix}.payments.:.thing.happened`, cloudEvent('not-imported', 'payments', { n: 4 }))
    // A sequenced event whose id is not its origin and seq: one event passing for two identities.
    node.publish(`${prefix}.orders.:.thing.happened`, JSON.stringify({ ...JSON.parse(cloudEvent('renamed', 'orders', { n: 6 })), crossbusorigin: 'someone', crossbusseq: 1 }))
    node.publish(`${prefix}.orders.eu.:.thing.happened`, cloudEvent('good', 'orders.eu', { n: 5 }))
    await node.flush()
  } finally {
    await node.close()
  }

  await expect.poll(() => tab.page.evaluate(() => window.device!.delivered.map((d) => d.id))).toEqual(['good'])
  await expect.poll(() => tab.page.evaluate(() => window.device!.errors)).toEqual([
    'NATS_MALFORMED_MESSAGE',
    'NATS_MALFORMED_MESSAGE',
    'NATS_MESSAGE_TOO_LARGE',
    'NATS_MALFORMED_MESSAGE',
    'POLICY_DENIED',
    'NATS_MALFORMED_MESSAGE',
  ])
  expect(await tab.page.evaluate(() => window.device!.bus.stats().dropped)).toBe(6)
  expect(await tab.page.evaluate(() => window.device!.bridge.stats())).toMatchObject({ imported: 1, dropped: 6 })
  expect(await tab.page.evaluate(() => window.device!.delivered[0])).toEqual({ system: 'orders.eu', id: 'good', n: 5 })
  tab.check()
})

test('forged acks on the bridge\'s BroadcastChannel keep neither the leader nor a standby that takes over from exporting; malformed ones throw nothing', async ({ browser, device, nats }) => {
  const busName = uniqueName('nats')
  const options = { busName, servers: nats.wsUrl, retry: RETRY }
  const { context, leader, standby, remote } = await twoTabsAndARemote(browser, device, options)
  const origins = [await leader.page.evaluate(() => window.device!.bus.origin), await standby.page.evaluate(() => window.device!.bus.origin)]

  // A page of the same origin, with no bus of its own, posts on the bridge's raw channel: acks
  // naming the next 1,000 events of both tabs, unsigned, signed by a made-up leader (an old term,
  // a term from the far future), and messages of every wrong shape.
  const forger = await context.newPage()
  const forgerCheck = watch(forger)
  await forger.goto('/e2e/fixtures/blank.html')
  const forge = () =>
    forger.evaluate(
      ([name, tabs]) => {
        const acked = tabs.flatMap((origin) => Array.from({ length: 1000 }, (_, i) => `6:orders${origin}-${i + 1}`))
        const channel = new BroadcastChannel(name)
        const forgeries: unknown[] = [
          { acked },
          { leader: 'forger', term: 1, acked },
          { leader: 'forger', term: Date.now() + 3_600_000, acked },
          { leader: tabs[0], term: 1e300, acked },
          { leader: {}, term: 'now', acked },
          { acked: [1, 2, 3] },
          { acked: 'all' },
          null,
          'acked',
          [acked],
        ]
        for (const forgery of forgeries) channel.postMessage(forgery)
        channel.close()
      },
      [`crossbus:${busName}:nats:crossbus.${busName}`, origins] as const,
    )
  await forge()

  // The leader exports its own events and those a standby tab sends.
  await leader.page.evaluate(() => window.device!.send('orders', 0, 5))
  await expectDelivered(remote.page, 'orders', range(0, 5))
  await standby.page.evaluate(() => window.device!.send('orders', 5, 5))
  await expectDelivered(remote.page, 'orders', range(0, 10))

  // Forged again, once the standby has heard the leader; then the leader goes and the standby,
  // leading now, exports what it sends.
  await forge()
  await leader.page.close()
  await expect.poll(() => standby.page.evaluate(() => window.device!.leading)).toBe(true)
  await standby.page.evaluate(() => window.device!.send('orders', 10, 5))
  await expectDelivered(remote.page, 'orders', range(0, 15))
  await settled(standby.page, remote.page)
  expect(numbers(await delivered(remote.page, 'orders'))).toEqual(range(0, 15))
  expect(await standby.page.evaluate(() => window.device!.errors)).toEqual([])
  standby.check()
  remote.check()
  forgerCheck()
  await context.close()
})

test('a NATS client reusing this browser\'s identities: exact copies count as duplicates, a copy with other data and ids its tabs have not sent are refused as conflicts, and the tabs\' own events still flow', async ({ browser, device, nats }) => {
  const busName = uniqueName('nats')
  const options = { busName, servers: nats.wsUrl, retry: RETRY, policy: { send: ['orders', 'remote'], subscribe: ['**'] } }
  const context = await browser.newContext()
  const first = await device(options, await context.newPage())
  const second = await device(options, await context.newPage())
  await expect.poll(async () => [await first.page.evaluate(() => window.device!.leading), await second.page.evaluate(() => window.device!.leading)]).toContainEqual(true)
  const [leader, standby] = (await first.page.evaluate(() => window.device!.leading)) ? [first, second] : [second, first]
  const [leaderOrigin, standbyOrigin] = [await leader.page.evaluate(() => window.device!.bus.origin), await standby.page.evaluate(() => window.device!.bus.origin)]
  const prefix = `crossbus.${busName}`

  // noEcho: what this client publishes does not come back to its own subscription.
  const node = await connect({ servers: nats.natsUrl, noEcho: true })
  try {
    // What the browser exports, read off the wire as any client allowed to subscribe can.
    const wire: Array<Record<string, unknown>> = []
    node.subscribe(`${prefix}.orders.>`, { callback: (_error, message) => void wire.push(message.json()) })
    await node.flush()
    const outside = { specversion: '1.0', id: 'r1', source: 'remote', type: 'thing.happened', subject: '/things/r1', time: new Date().toISOString(), datacontenttype: 'application/json', data: { n: 100 } }
    node.publish(`${prefix}.remote.:.thing.happened`, JSON.stringify(outside))
    await expectDelivered(standby.page, 'remote', [100])
    await standby.page.evaluate(() => window.device!.send('orders', 0, 3))
    await expect.poll(() => wire.length).toBe(3)
    const orders = (n: number, origin: string, seq: number) => JSON.stringify({ ...wire[0], id: `${origin}-${seq}`, crossbusorigin: origin, crossbusseq: seq, subject: `/things/${n}`, data: { n } })

    // A copy of an exported event and a redelivery, byte for byte: duplicates.
    node.publish(`${prefix}.orders.:.thing.happened`, JSON.stringify(wire[0]))
    node.publish(`${prefix}.remote.:.thing.happened`, JSON.stringify(outside))
    // The standby tab's second event again with other data, exported before anything was imported
    // here; ids the leading tab and the standby tab have not sent yet: forgeries, refused.
    node.publish(`${prefix}.orders.:.thing.happened`, JSON.stringify({ ...wire[1], data: { n: 999 } }))
    node.publish(`${prefix}.orders.:.thing.happened`, orders(200, leaderOrigin, 77))
    node.publish(`${prefix}.orders.:.thing.happened`, orders(300, standbyOrigin, 4))
    // The bus policy refuses this system: dropped and reported.
    node.publish(`${prefix}.secret.:.thing.happened`, JSON.stringify({ ...outside, id: 's1', source: 'secret' }))
    await node.flush()

    await expect.poll(() => leader.page.evaluate(() => window.device!.bridge.stats())).toEqual({ imported: 1, duplicates: 2, conflicts: 3, dropped: 1, gaps: 0, missed: 0 })
    expect(await leader.page.evaluate(() => window.device!.errors)).toEqual(['NATS_IDENTITY_CONFLICT', 'NATS_IDENTITY_CONFLICT', 'NATS_IDENTITY_CONFLICT', 'POLICY_DENIED'])
    expect(await leader.page.evaluate(() => window.device!.bus.stats().dropped)).toBe(4)
    // The standby tab's real events of those ids are delivered everywhere, once, and exported.
    await standby.page.evaluate(() => window.device!.send('orders', 3, 3))
    for (const tab of [leader, standby]) {
      await expectDelivered(tab.page, 'orders', range(0, 6))
      expect(numbers(await delivered(tab.page, 'remote'))).toEqual([100])
    }
    await expect.poll(() => wire.length).toBe(6)
    expect(wire.find((message) => message['id'] === `${standbyOrigin}-4`)?.['data']).toEqual({ n: 3 })
    // Only the leader imports: the standby tab counts nothing and reports nothing.
    expect(await standby.page.evaluate(() => window.device!.bridge.stats())).toEqual({ imported: 0, duplicates: 0, conflicts: 0, dropped: 0, gaps: 0, missed: 0 })
    expect(await standby.page.evaluate(() => window.device!.errors)).toEqual([])
  } finally {
    await node.close()
  }
  leader.check()
  standby.check()
  await context.close()
})

test('a NATS client that forges a tab\'s next id, or republishes its event with other data: its own device refuses both; another device keeps the first copy it got and refuses the second as a conflict, reported', async ({ device, nats }) => {
  const busName = uniqueName('nats')
  const options = { busName, servers: nats.wsUrl, retry: RETRY }
  const a = await device(options)
  const b = await device(options)
  const origin = await a.page.evaluate(() => window.device!.bus.origin)
  const prefix = `crossbus.${busName}`
  const node = await connect({ servers: nats.natsUrl, noEcho: true })
  try {
    const wire: Array<Record<string, unknown>> = []
    node.subscribe(`${prefix}.orders.>`, { callback: (_error, message) => void wire.push(message.json()) })
    await node.flush()
    await a.page.evaluate(() => window.device!.send('orders', 0, 3))
    await expectDelivered(b.page, 'orders', [0, 1, 2])
    await expect.poll(() => wire.length).toBe(3)

    // A's next id published first, with forged data; then A's second event with other data.
    node.publish(`${prefix}.orders.:.thing.happened`, JSON.stringify({ ...wire[0], id: `${origin}-4`, crossbusseq: 4, subject: '/things/666', data: { n: 666 } }))
    node.publish(`${prefix}.orders.:.thing.happened`, JSON.stringify({ ...wire[1], data: { n: 777 } }))
    await node.flush()
    // B cannot tell a forged next id from the real one: it delivers the first it gets...
    await expectDelivered(b.page, 'orders', [0, 1, 2, 666])
    // ...and refuses the other, and every second copy, as a conflict: never delivered, always reported.
    await a.page.evaluate(() => window.device!.send('orders', 3, 2))
    await expectDelivered(b.page, 'orders', [0, 1, 2, 666, 4])
    expect(await b.page.evaluate(() => window.device!.errors)).toEqual(['NATS_IDENTITY_CONFLICT', 'NATS_IDENTITY_CONFLICT'])
    expect(await b.page.evaluate(() => window.device!.messages[1])).toContain(`"${origin}-4"`)
    expect(await b.page.evaluate(() => window.device!.bridge.stats())).toMatchObject({ imported: 5, duplicates: 0, conflicts: 2, gaps: 0 })
    expect(await b.page.evaluate(() => window.device!.bus.stats().dropped)).toBe(2)
    // A, which sent the real events, refused both forgeries and delivered only its own.
    await expect.poll(() => a.page.evaluate(() => window.device!.errors)).toEqual(['NATS_IDENTITY_CONFLICT', 'NATS_IDENTITY_CONFLICT'])
    expect(numbers(await delivered(a.page, 'orders'))).toEqual(range(0, 5))
  } finally {
    await node.close()
  }
  a.check()
  b.check()
})

test('a server restart that drops messages: the receiver reports the gap with its count, and what it delivered plus what it missed is every event sent', async ({ device, nats }) => {
  const busName = uniqueName('nats')
  const options = { busName, servers: nats.wsUrl, retry: RETRY }
  const a = await device(options)
  const b = await device(options)
  await expect.poll(() => b.page.evaluate(() => window.device!.leading)).toBe(true)
  await a.page.evaluate(() => window.device!.send('orders', 0, 100, 20, 5))
  await expectDelivered(b.page, 'orders', range(0, 100))

  // B is held off the restarted server while A reconnects and publishes what it queued and what it
  // sends next: core NATS keeps nothing for a subscriber that is away.
  await b.page.evaluate(async ([url]) => (await import(url!)).gate(true), [FIXTURE])
  await nats.stop()
  await expect.poll(() => a.page.evaluate(() => window.device!.statuses.at(-1))).toBe('reconnecting')
  await a.page.evaluate(() => window.device!.send('orders', 100, 50))
  await nats.start()
  await expect.poll(() => a.page.evaluate(() => window.device!.statuses.at(-1)), { timeout: 15_000 }).toBe('connected')
  // B is let back only once the server has routed all of that (A's queue goes out after its
  // reconnect, the next 50 when its tab gets to them): let back as soon as A's evaluate returns, B
  // could subscribe again before some of them reach the server, and get them. A Node client
  // subscribed now sees 199 last, as NATS keeps the order of A's connection.
  const node = await connect({ servers: nats.natsUrl })
  try {
    const seen: number[] = []
    node.subscribe(`crossbus.${busName}.orders.>`, { callback: (_error, message) => void seen.push((message.json() as { data: { n: number } }).data.n) })
    await node.flush()
    await a.page.evaluate(() => window.device!.send('orders', 150, 50))
    await expect.poll(() => seen.includes(199), { timeout: 15_000 }).toBe(true)
  } finally {
    await node.close()
  }
  await b.page.evaluate(async ([url]) => (await import(url!)).gate(false), [FIXTURE])
  await expect.poll(() => b.page.evaluate(() => window.device!.statuses.at(-1)), { timeout: 15_000 }).toBe('connected')

  // A sends one at a time until B hears again: its subscription is back then.
  let sent = 200
  await expect
    .poll(
      async () => {
        await a.page.evaluate((n) => window.device!.send('orders', n, 1), sent++)
        return (await delivered(b.page, 'orders')).length
      },
      { timeout: 15_000 },
    )
    .toBeGreaterThan(100)
  await a.page.evaluate((n) => window.device!.send('orders', n, 1), sent++)
  await expect.poll(async () => numbers(await delivered(b.page, 'orders')).at(-1)).toBe(sent - 1)

  const got = numbers(await delivered(b.page, 'orders'))
  const resumed = got[100]!
  expect(got).toEqual([...range(0, 100), ...range(resumed, sent - resumed)])
  const missed = resumed - 100
  expect(missed).toBeGreaterThanOrEqual(100)
  expect(await b.page.evaluate(() => window.device!.errors)).toEqual(['NATS_EVENTS_MISSED'])
  expect(await b.page.evaluate(() => window.device!.messages[0])).toMatch(new RegExp(`^${missed} NATS messages on "crossbus\\.${busName}\\.orders\\.:\\.thing\\.happened"`))
  expect(await b.page.evaluate(() => window.device!.bridge.stats())).toMatchObject({ gaps: 1, missed })
  expect(await b.page.evaluate(() => window.device!.bus.stats().gaps)).toBe(1)
  expect(got.length + missed).toBe(sent)
  expect(await a.page.evaluate(() => window.device!.errors)).toEqual([])
  a.check()
  b.check()
})
