import { afterEach, describe, expect, it, vi } from 'vitest'
import type { BusEvent } from '../core/index'
import { postEvents } from './http-post'
import type { DestinationConfig, DeliveryResult } from './types'

afterEach(() => {
  vi.unstubAllGlobals()
})

const event: BusEvent = { id: 'tab-1', system: 'orders', kind: 'order.created', path: '/orders/1', data: { total: 5 }, time: 1_700_000_000_000, origin: 'tab', seq: 1 }

/** Posts one event with `fetch` standing in; returns the result and the init fetch was given. */
async function post(config: Omit<DestinationConfig, 'type'>, fetchDoes: () => Promise<Response>): Promise<{ result: DeliveryResult; init: RequestInit | undefined }> {
  let init: RequestInit | undefined
  vi.stubGlobal('location', { href: 'http://localhost:5173/app/', origin: 'http://localhost:5173' })
  vi.stubGlobal('fetch', (_url: string, given: RequestInit) => {
    init = given
    return fetchDoes()
  })
  const result = await postEvents([event], { destination: { type: 'http', ...config }, signal: new AbortController().signal, keepalive: false })
  return { result, init }
}

const failedToFetch = () => Promise.reject(new TypeError('Failed to fetch'))

describe('the http provider', () => {
  it('a cross-origin url whose fetch fails with a TypeError: says it is likely CORS and what the receiver must allow', async () => {
    const { result } = await post({ id: 'audit', url: 'http://127.0.0.1:5400/events', headers: { 'x-app': 'shop' } }, failedToFetch)
    expect(result.outcome).toBe('retry')
    const message = result.outcome === 'retry' ? result.error.message : ''
    expect(message).toContain('(TypeError: Failed to fetch); it will be retried.')
    expect(message).toContain('likely CORS')
    expect(message).toContain('Access-Control-Allow-Origin: http://localhost:5173')
    expect(message).toContain('Access-Control-Allow-Methods: POST')
    expect(message).toMatch(/Access-Control-Allow-Headers: [^)]*content-type[^)]*x-app/)
    expect(message).toContain('application/cloudevents+json')
    expect(message).toContain('Access-Control-Expose-Headers: Retry-After')
    expect(message).toContain('server.proxy')
  })

  it('a same-origin url that fails says nothing of CORS', async () => {
    const { result } = await post({ id: 'audit', url: '/events' }, failedToFetch)
    expect(result.outcome === 'retry' && result.error.message).toMatch(/^Destination "audit": the request to http:\/\/localhost:5173\/events failed \(TypeError: Failed to fetch\); it will be retried\.$/)
  })

  it('follows no redirect when the request carries headers of its own, static ones as getHeaders', async () => {
    const ok = () => Promise.resolve(new Response(null, { status: 202 }))
    expect((await post({ id: 'a', url: '/events', headers: { 'x-api-key': 'k' } }, ok)).init?.redirect).toBe('manual')
    expect((await post({ id: 'a', url: '/events', getHeaders: () => ({ 'x-token': 't' }) }, ok)).init?.redirect).toBe('manual')
    expect((await post({ id: 'a', url: '/events' }, ok)).init?.redirect).toBe('follow')
  })
})
