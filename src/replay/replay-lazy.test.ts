import { afterEach, describe, expect, it, vi } from 'vitest'
import type { BusError } from '../core/index'
import { createBus, type Bus } from '../index'

// The history code is a lazy chunk: a deployment can fail to serve it (offline, a stale build).
vi.mock('./history', () => {
  throw new Error('chunk not found')
})

const buses: Bus[] = []
afterEach(() => {
  for (const bus of buses.splice(0)) bus.close()
})

describe('replay, when its history code cannot be loaded', () => {
  it('says so once on errors$, refuses history reads with PLUGIN_FAILED, and sends and delivers as before', async () => {
    const bus = createBus({ name: 'lazy', crossTab: false, replay: { store: 'memory' } })
    buses.push(bus)
    const errors: BusError[] = []
    bus.errors$.subscribe((error) => errors.push(error))
    const delivered: string[] = []
    bus.subscribe('a').subscribe((event) => delivered.push(event.path))
    bus.send('a', 'k', '/1')
    await expect(bus.history('a')).rejects.toMatchObject({ code: 'PLUGIN_FAILED', message: expect.stringMatching(/could not be loaded/) })
    bus.send('a', 'k', '/2')
    await expect(bus.flush()).resolves.toBeUndefined()
    await expect(bus.history('a')).rejects.toMatchObject({ code: 'PLUGIN_FAILED' })
    expect(delivered).toEqual(['/1', '/2'])
    expect(errors.map((error) => error.code)).toEqual(['PLUGIN_FAILED'])
  })
})
