import { firstValueFrom, filter } from 'rxjs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { BusError, createBus, type Bus, type BusEvent, type BusPlugin, type PluginHost } from '../core/index'
import { destinations } from './destinations'
import { MemoryDestinationStore } from './memory-store'
import { MAX_TIMER_MS } from './retry'
import type { DeliveryResult, DestinationProvider, DestinationsOptions } from './types'

const buses: Bus[] = []
afterEach(async () => {
  await Promise.all(buses.splice(0).map((bus) => bus.close()))
})

/** A provider that records each request and answers what `answer` says. */
function fakeProvider(answer: (events: readonly BusEvent[], call: number) => DeliveryResult = () => ({ outcome: 'accepted' })) {
  const requests: string[][] = []
  const provider: DestinationProvider = {
    type: 'fake',
    async deliver(events) {
      requests.push(events.map((event) => event.id))
      return answer(events, requests.length)
    },
  }
  return { provider, requests, delivered: () => requests.flat() }
}

/** A plugin standing in for sync: brings in events "from another tab". */
function otherTab() {
  let host: PluginHost | undefined
  const plugin: BusPlugin = { name: 'other-tab', setup: (given) => void (host = given) }
  return { plugin, receive: (event: BusEvent) => host!.receive(event, 'tab-2') }
}

async function setup(answer?: Parameters<typeof fakeProvider>[0], options: DestinationsOptions = {}) {
  const fake = fakeProvider(answer)
  const tab = otherTab()
  const bus = createBus({ name: 'dest', plugins: [tab.plugin] })
  buses.push(bus)
  const errors: BusError[] = []
  bus.errors$.subscribe((error) => errors.push(error))
  const outbound = destinations(bus, { store: 'memory', providers: [fake.provider], retry: { initialDelayMs: 5, maxDelayMs: 20 }, ...options })
  await outbound.ready
  return { bus, outbound, errors, tab, ...fake }
}

const fail = (status: number, retryAfterMs?: number): DeliveryResult =>
  status >= 500
    ? { outcome: 'retry', error: new BusError({ kind: 'UNAVAILABLE', code: 'DESTINATION_DELIVERY_FAILED', message: `${status}`, retryable: true }), retryAfterMs }
    : { outcome: 'rejected', error: new BusError({ kind: 'INVALID', code: 'DESTINATION_DELIVERY_REJECTED', message: `${status}`, retryable: false }) }

describe('configuration', () => {
  it('refuses bad configuration with a clear BusError, and keeps what was there', async () => {
    const { outbound } = await setup()
    await outbound.add({ id: 'ok', type: 'fake' })
    const cases: Array<[unknown, RegExp]> = [
      [{ id: 'a', type: 'kafka' }, /unknown type "kafka"/],
      [{ id: 'a', type: 'http', url: 'ftp://example.com/x' }, /must be http: or https:, not ftp:/],
      [{ id: 'a', type: 'http', url: 'javascript:alert(1)' }, /must be http: or https:/],
      [{ id: 'a', type: 'http' }, /needs a url/],
      [{ id: 'a', type: 'fake', filter: { system: 'orders..eu' } }, /filter\.system "orders\.\.eu" is malformed/],
      [{ id: 'a', type: 'fake', filter: { kind: '(x)' } }, /filter\.kind/],
      [{ id: 'a', type: 'fake', mode: 'stream' }, /mode must be/],
      [{ id: 'a', type: 'fake', mode: 'batch', batch: { maxEvents: 0 } }, /batch\.maxEvents/],
      [{ id: 'a', type: 'fake', url: 'x', colour: 'red' }, /unknown field "colour"/],
      [{ id: '', type: 'fake' }, /non-empty string id/],
    ]
    for (const [config, message] of cases) {
      const error = await outbound.add(config as never).then(() => undefined, (caught: unknown) => caught)
      expect(error, JSON.stringify(config)).toBeInstanceOf(BusError)
      expect(error).toMatchObject({ kind: 'INVALID', code: 'DESTINATION_INVALID', retryable: false })
      expect((error as BusError).message).toMatch(message)
    }
    await expect(outbound.add({ id: 'ok', type: 'fake' })).rejects.toMatchObject({ kind: 'ALREADY_EXISTS', code: 'DESTINATION_EXISTS' })
    await expect(outbound.update('missing', { mode: 'batch' })).rejects.toMatchObject({ code: 'DESTINATION_NOT_FOUND' })
    await expect(outbound.update('ok', { type: 'http' } as never)).rejects.toMatchObject({ code: 'DESTINATION_INVALID' })
    await expect(outbound.remove('missing')).rejects.toMatchObject({ code: 'DESTINATION_NOT_FOUND' })
    expect(await outbound.list()).toEqual([{ id: 'ok', type: 'fake' }])
  })

  it('adds, updates and removes; getHeaders is kept in this context, not in the stored configuration', async () => {
    const { outbound } = await setup()
    const getHeaders = () => ({ authorization: 'Bearer t' })
    await outbound.add({ id: 'a', type: 'http', url: 'https://relay.example/events', getHeaders })
    await outbound.add({ id: 'b', type: 'fake', filter: { system: 'orders.**' } })
    await outbound.update('a', { mode: 'batch', batch: { maxEvents: 10 } })
    expect(await outbound.list()).toEqual([
      { id: 'a', type: 'http', url: 'https://relay.example/events', mode: 'batch', batch: { maxEvents: 10 } },
      { id: 'b', type: 'fake', filter: { system: 'orders.**' } },
    ])
    await outbound.remove('a')
    expect((await outbound.list()).map((config) => config.id)).toEqual(['b'])
  })
})

describe('delivery', () => {
  it('forwards what matches the filter, what was sent or injected here, each once; never what another tab sent', async () => {
    const { bus, outbound, tab, delivered } = await setup()
    await outbound.add({ id: 'orders', type: 'fake', filter: { system: 'orders.**', kind: '*.created' } })
    bus.send('orders.eu', 'order.created', '/orders/1')
    bus.send('orders.eu', 'order.paid', '/orders/1')
    bus.send('users', 'user.created', '/users/1')
    tab.receive({ id: 'tab-2-1', system: 'orders', kind: 'order.created', path: '/orders/2', data: undefined, time: Date.now(), origin: 'tab-2', seq: 1 })
    bus.send('orders', 'order.created', '/orders/3')
    await vi.waitFor(() => expect(delivered()).toHaveLength(2))
    await bus.flush()
    // Only what matched was written to the outbox: nothing else can ever be delivered.
    expect(outbound.stats()).toMatchObject({ captured: 2, dropped: 0 })
    // Received events take no seq here: the fourth send is seq 4.
    expect(delivered()).toEqual([`${bus.origin}-1`, `${bus.origin}-4`])
    const [status] = await firstValueFrom(outbound.status$.pipe(filter((all) => all[0]?.delivered === 2)))
    expect(status).toMatchObject({ id: 'orders', delivered: 2, failed: 0, pending: 0 })
  })

  it('Retry-After: 0 waits initialDelayMs at least: a receiver cannot turn backoff off', async () => {
    const startedAt: number[] = []
    const { bus, outbound, requests } = await setup(
      () => {
        startedAt.push(Date.now())
        return startedAt.length <= 2 ? fail(503, 0) : { outcome: 'accepted' }
      },
      { retry: { initialDelayMs: 150, maxDelayMs: 1000 } },
    )
    await outbound.add({ id: 'z', type: 'fake' })
    bus.send('s', 'k', '/1')
    await vi.waitFor(() => expect(requests).toHaveLength(3), { timeout: 5000 })
    expect(startedAt[1]! - startedAt[0]!).toBeGreaterThanOrEqual(145)
    expect(startedAt[2]! - startedAt[1]!).toBeGreaterThanOrEqual(145)
    expect(outbound.stats()).toMatchObject({ retried: 2, delivered: 1 })
  })

  it('batch mode sends up to maxEvents per request', async () => {
    const { bus, outbound, requests } = await setup()
    await outbound.add({ id: 'b', type: 'fake', mode: 'batch', batch: { maxEvents: 4, maxDelayMs: 0 } })
    for (let i = 0; i < 10; i++) bus.send('s', 'k', `/${i}`)
    await vi.waitFor(() => expect(requests.flat()).toHaveLength(10))
    expect(requests.map((request) => request.length)).toEqual([4, 4, 2])
  })

  it('retries with backoff, honouring retryAfterMs, then delivers; the first failure is reported', async () => {
    let attempt = 0
    const startedAt: number[] = []
    const { bus, outbound, requests, errors } = await setup(() => {
      startedAt.push(Date.now())
      return ++attempt <= 2 ? fail(503, attempt === 2 ? 60 : undefined) : { outcome: 'accepted' }
    }, { retry: { initialDelayMs: 5, maxDelayMs: 100 } }) // Retry-After is honoured up to maxDelayMs
    await outbound.add({ id: 'r', type: 'fake' })
    bus.send('s', 'k', '/1')
    await vi.waitFor(() => expect(requests).toHaveLength(3))
    expect(startedAt[2]! - startedAt[1]!).toBeGreaterThanOrEqual(55)
    expect(requests.flat()).toEqual([`${bus.origin}-1`, `${bus.origin}-1`, `${bus.origin}-1`])
    expect(errors.map((error) => error.code)).toEqual(['DESTINATION_DELIVERY_FAILED'])
    expect(await outbound.deadLetters('r')).toEqual([])
  })

  it('a refused batch is split until the refused event stands alone: it goes to dead letters, the rest are delivered', async () => {
    const { bus, outbound, requests, errors } = await setup((events) => (events.some((event) => event.path === '/bad') ? fail(400) : { outcome: 'accepted' }))
    await outbound.add({ id: 'd', type: 'fake', mode: 'batch', batch: { maxEvents: 8, maxDelayMs: 0 } })
    for (let i = 0; i < 8; i++) bus.send('s', 'k', i === 5 ? '/bad' : `/${i}`)
    await vi.waitFor(async () => expect(await outbound.deadLetters('d')).toHaveLength(1))
    const accepted = requests.filter((ids) => !ids.includes(`${bus.origin}-6`)).flat()
    expect(accepted.sort()).toEqual([1, 2, 3, 4, 5, 7, 8].map((seq) => `${bus.origin}-${seq}`).sort())
    const [letter] = await outbound.deadLetters('d')
    expect(letter!.event.path).toBe('/bad')
    expect(letter!.error).toMatchObject({ code: 'DESTINATION_DELIVERY_REJECTED', retryable: false })
    expect(errors.map((error) => error.code)).toEqual(['DESTINATION_DELIVERY_REJECTED'])
  })

  it('dead letters can be retried (back into the outbox) or discarded', async () => {
    let refuse = true
    const { bus, outbound, delivered } = await setup(() => (refuse ? fail(422) : { outcome: 'accepted' }))
    await outbound.add({ id: 'd', type: 'fake' })
    bus.send('s', 'k', '/1')
    bus.send('s', 'k', '/2')
    await vi.waitFor(async () => expect(await outbound.deadLetters('d')).toHaveLength(2))
    refuse = false
    const [first, second] = await outbound.deadLetters('d')
    await first!.retry()
    await second!.discard()
    await vi.waitFor(() => expect(delivered()).toContain(`${bus.origin}-1`))
    expect(await outbound.deadLetters('d')).toEqual([])
    expect(delivered().filter((id) => id === `${bus.origin}-2`)).toHaveLength(1) // its one refused attempt, never again
  })

  it('gives up after maxAttempts: the events go to dead letters', async () => {
    const { bus, outbound, requests } = await setup(() => fail(503), { retry: { initialDelayMs: 1, maxDelayMs: 2, maxAttempts: 3 } })
    await outbound.add({ id: 'g', type: 'fake' })
    bus.send('s', 'k', '/1')
    await vi.waitFor(async () => expect(await outbound.deadLetters('g')).toHaveLength(1))
    expect(requests).toHaveLength(3)
  })

  it('a full outbox drops its oldest events and names them on errors$; the newest stay', async () => {
    const { bus, outbound, errors, delivered } = await setup(() => fail(503, 10_000), { maxOutboxEvents: 3 })
    await outbound.add({ id: 'f', type: 'fake' })
    for (let i = 1; i <= 5; i++) bus.send('s', 'k', `/${i}`)
    await bus.flush()
    const full = errors.find((error) => error.code === 'DESTINATION_OUTBOX_FULL')
    expect(full).toMatchObject({ kind: 'UNAVAILABLE', retryable: false })
    expect(full?.message).toMatch(/at most 3 events, so the oldest 2 were dropped undelivered \(\S+-1, \S+-2\)/)
    expect((full?.cause as BusEvent[]).map((event) => event.path)).toEqual(['/1', '/2'])
    const [status] = await firstValueFrom(outbound.status$.pipe(filter((all) => all[0]?.lastError !== undefined)))
    expect(status).toMatchObject({ pending: 3 })
    expect(new Set(delivered())).toEqual(new Set([`${bus.origin}-3`]))
  })

  it('offline pauses without counting attempts, and resumes when back online', async () => {
    const onLine = { value: true }
    vi.stubGlobal('navigator', {
      get onLine() {
        return onLine.value
      },
    })
    try {
      const { bus, outbound, requests } = await setup(() => (onLine.value ? { outcome: 'accepted' } : fail(503)), { retry: { initialDelayMs: 1, maxDelayMs: 2, maxAttempts: 1 } })
      await outbound.add({ id: 'o', type: 'fake' })
      onLine.value = false
      bus.send('s', 'k', '/1')
      await bus.flush()
      const paused = await firstValueFrom(outbound.status$.pipe(filter((all) => all[0]?.paused === 'offline')))
      expect(paused[0]).toMatchObject({ paused: 'offline', failed: 0 })
      expect(requests).toEqual([])
      onLine.value = true
      await outbound.update('o', {}) // what the 'online' event does in a browser: wake the courier
      await vi.waitFor(() => expect(requests.flat()).toEqual([`${bus.origin}-1`]))
      expect(await outbound.deadLetters('o')).toEqual([])
    } finally {
      vi.unstubAllGlobals()
    }
  })
})

describe('the handle', () => {
  it('stats() counts what this context captured, delivered, retried, dead-lettered and dropped; pending is what status$ shows', async () => {
    const { bus, outbound } = await setup((events) => (events[0]!.path === '/refused' ? fail(400) : { outcome: 'accepted' }), { maxOutboxEvents: 10 })
    expect(outbound.stats()).toEqual({ captured: 0, delivered: 0, retried: 0, failed: 0, dropped: 0, malformed: 0, pending: 0 })
    await outbound.add({ id: 'a', type: 'fake' })
    bus.send('s', 'k', '/1')
    bus.send('s', 'k', '/refused')
    bus.send('s', 'k', '/3')
    await vi.waitFor(() => expect(outbound.stats()).toMatchObject({ captured: 3, delivered: 2, failed: 1, pending: 0 }))
    expect(outbound.stats()).toMatchObject({ retried: 0, dropped: 0, malformed: 0 })
  })

  it('close() detaches once: calling it again returns the same promise', async () => {
    const { outbound } = await setup()
    const closing = outbound.close()
    expect(outbound.close()).toBe(closing)
    await closing
  })

  it("an outbox write that fails names the error's message, and its events count as dropped", async () => {
    const enqueue = vi.spyOn(MemoryDestinationStore.prototype, 'enqueue').mockRejectedValue(new DOMException('The disk is full.', 'QuotaExceededError'))
    try {
      const { bus, outbound, errors } = await setup()
      await outbound.add({ id: 'w', type: 'fake' })
      bus.send('s', 'k', '/1')
      await bus.flush()
      const error = errors.find((each) => each.code === 'DESTINATION_OUTBOX_UNAVAILABLE')
      expect(error?.message).toMatch(/1 events could not be written to the outbox of the bus "dest" \(QuotaExceededError: The disk is full\.\)/)
      expect(outbound.stats()).toMatchObject({ captured: 1, dropped: 1 })
    } finally {
      enqueue.mockRestore()
    }
  })
})

describe('options', () => {
  it('refuses bad options with a clear BusError naming the option', () => {
    const bus = createBus({ name: 'dest-options' })
    buses.push(bus)
    const headers = () => ({ authorization: 'Bearer t' })
    const cases: Array<[unknown, RegExp]> = [
      [{ retry: { maxDelayMs: Infinity } }, /retry\.maxDelayMs must be a positive number of ms up to 2147483647, got Infinity/],
      [{ retry: { initialDelayMs: 2 ** 31 } }, /retry\.initialDelayMs must be/],
      [{ allowedUrls: 'https://ingest.example/' }, /allowedUrls must be an array of URLs/],
      [{ allowedUrls: [5] }, /allowedUrls\[0\] must be a URL/],
      [{ allowedUrls: ['ftp://ingest.example/'] }, /allowedUrls\[0\] "ftp:\/\/ingest\.example\/" must be http: or https:/],
      [{ allowedUrls: ['/events'] }, /allowedUrls\[0\] "\/events" is not a URL/],
      [{ allowedUrls: ['https://ingest.example/events?tenant=1'] }, /allowedUrls\[0\] .* no query or fragment/],
      [{ getHeaders: { audit: 5 } }, /getHeaders\.audit must be a function or \{ webOrigin, headers \}/],
      [{ getHeaders: { audit: { webOrigin: 'https://ingest.example' } } }, /getHeaders\.audit\.headers must be a function/],
      [{ getHeaders: { audit: { webOrigin: 'https://ingest.example/events', headers } } }, /getHeaders\.audit\.webOrigin must be a web origin such as "https:\/\/ingest\.example"/],
      [{ getHeaders: { audit: { webOrigin: 'ingest.example', headers } } }, /getHeaders\.audit\.webOrigin must be a web origin/],
    ]
    for (const [options, message] of cases) {
      let caught: unknown
      try {
        destinations(bus, { store: 'memory', ...(options as DestinationsOptions) })
      } catch (error) {
        caught = error
      }
      expect(caught, JSON.stringify(options)).toBeInstanceOf(BusError)
      expect(caught).toMatchObject({ kind: 'INVALID', code: 'DESTINATION_INVALID' })
      expect((caught as BusError).message).toMatch(message)
    }
  })
})

describe('retry waits', () => {
  it('a huge Retry-After waits retry.maxDelayMs at most, and no timer is ever asked for more than 2^31-1 ms', async () => {
    const timeouts = vi.spyOn(globalThis, 'setTimeout')
    try {
      let attempt = 0
      const { bus, outbound, requests } = await setup(() => (++attempt === 1 ? fail(503, 99_999_999_999_000) : { outcome: 'accepted' }))
      const waits: number[] = []
      outbound.status$.subscribe((all) => {
        const at = all.find((status) => status.id === 'r')?.nextRetryAt
        if (at !== undefined) waits.push(at - Date.now())
      })
      await outbound.add({ id: 'r', type: 'fake', filter: { system: 's' } })
      bus.send('s', 'k', '/1')
      await vi.waitFor(() => expect(requests).toHaveLength(2))
      // Capped at maxDelayMs (20 in setup), not the year 5100.
      expect(waits.length).toBeGreaterThan(0)
      expect(Math.max(...waits)).toBeLessThanOrEqual(20)

      // A batch told to wait for more events practically forever waits 2^31-1 ms, not 0 ms over and over.
      await outbound.add({ id: 'patient', type: 'fake', filter: { system: 'patient' }, mode: 'batch', batch: { maxEvents: 10, maxDelayMs: 1e12 } })
      bus.send('patient', 'k', '/2')
      await bus.flush()
      const delays = () => timeouts.mock.calls.map((call) => Number(call[1] ?? 0))
      await vi.waitFor(() => expect(delays()).toContain(MAX_TIMER_MS))
      expect(requests).toHaveLength(2)
      expect(Math.max(...delays())).toBe(MAX_TIMER_MS)
    } finally {
      timeouts.mockRestore()
    }
  })
})

describe('where events and getHeaders may go', () => {
  /** A provider of type `http` (it replaces the built-in one) that records each request's url and whether it carries getHeaders. */
  function recordingHttp() {
    const seen: Array<[string | undefined, boolean]> = []
    const provider: DestinationProvider = {
      type: 'http',
      async deliver(_events, { destination }) {
        seen.push([destination.url, typeof destination.getHeaders === 'function'])
        return { outcome: 'accepted' }
      },
    }
    return { provider, seen }
  }
  const headers = () => ({ authorization: 'Bearer t' })
  const refusal = (pattern: RegExp) => ({ kind: 'INVALID', code: 'DESTINATION_INVALID', message: expect.stringMatching(pattern) })

  it('allowedUrls: add and update refuse any url outside them, and nothing changes', async () => {
    const { outbound } = await setup(undefined, { allowedUrls: ['https://ingest.example/events', 'https://relay.example/'] })
    await outbound.add({ id: 'exact', type: 'http', url: 'https://ingest.example/events' })
    await outbound.add({ id: 'query', type: 'http', url: 'https://ingest.example/events?tenant=1' })
    await outbound.add({ id: 'under', type: 'http', url: 'https://relay.example/any/path' })
    await outbound.add({ id: 'custom', type: 'fake' }) // no url: a custom provider's own code decides where it sends
    const outside = [
      'https://ingest.example/events/more',
      'https://ingest.example/eventsx',
      'https://ingest.example/events/../admin',
      'http://ingest.example/events',
      'https://ingest.example:8443/events',
      'https://relay.example.evil.example/',
      'https://evil.example/events',
    ]
    for (const url of outside) await expect(outbound.add({ id: 'x', type: 'http', url }), url).rejects.toMatchObject(refusal(/Destination "x": url .* is not in allowedUrls/))
    await expect(outbound.add({ id: 'x', type: 'fake', url: 'https://evil.example/' })).rejects.toMatchObject(refusal(/allowedUrls/))
    await expect(outbound.update('exact', { url: 'https://evil.example/events' })).rejects.toMatchObject(refusal(/allowedUrls/))
    expect((await outbound.list()).map((config) => config.url)).toEqual(['https://ingest.example/events', 'https://ingest.example/events?tenant=1', 'https://relay.example/any/path', undefined])
  })

  it('getHeaders with an origin: add and update refuse a url elsewhere; getHeaders given to add or update is bound to its url', async () => {
    const recorder = recordingHttp()
    const { bus, outbound } = await setup(undefined, { providers: [recorder.provider], getHeaders: { audit: { webOrigin: 'https://ingest.example', headers } } })
    await expect(outbound.add({ id: 'audit', type: 'http', url: 'https://evil.example/events' })).rejects.toMatchObject(refusal(/getHeaders .*"https:\/\/ingest\.example"/))
    await outbound.add({ id: 'audit', type: 'http', url: 'https://ingest.example/events' })
    await expect(outbound.update('audit', { url: 'https://evil.example/events' })).rejects.toMatchObject(refusal(/getHeaders/))

    await outbound.add({ id: 'inline', type: 'http', url: 'https://relay.example/e', getHeaders: headers })
    await expect(outbound.update('inline', { url: 'https://other.example/e' })).rejects.toMatchObject(refusal(/getHeaders .*"https:\/\/relay\.example"/))
    // Given again with the new url, in code: bound to the new origin.
    await outbound.update('inline', { url: 'https://other.example/e', getHeaders: headers })
    expect((await outbound.list()).map((config) => config.url)).toEqual(['https://ingest.example/events', 'https://other.example/e'])
    bus.send('s', 'k', '/1')
    await vi.waitFor(() => expect(recorder.seen).toHaveLength(2))
    expect([...recorder.seen].sort()).toEqual([
      ['https://ingest.example/events', true],
      ['https://other.example/e', true],
    ])
  })

  it('a plain getHeaders function in the options is bound to the page origin', async () => {
    vi.stubGlobal('location', { href: 'https://app.example/shop/', origin: 'https://app.example' })
    try {
      const recorder = recordingHttp()
      const { bus, outbound } = await setup(undefined, { providers: [recorder.provider], getHeaders: { audit: headers } })
      await expect(outbound.add({ id: 'audit', type: 'http', url: 'https://ingest.example/events' })).rejects.toMatchObject(refusal(/getHeaders .*"https:\/\/app\.example"/))
      await outbound.add({ id: 'audit', type: 'http', url: '/events' })
      bus.send('s', 'k', '/1')
      await vi.waitFor(() => expect(recorder.seen).toEqual([['/events', true]]))
    } finally {
      vi.unstubAllGlobals()
    }
  })
})
