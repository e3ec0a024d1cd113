import { describe, expect, it } from 'vitest'
import { BufferedChannel } from './channel'

describe('channel', () => {
  it('buffers without limit and yields in order', async () => {
    const channel = new BufferedChannel<number>()
    for (let i = 0; i < 10_000; i++) channel.push(i)
    expect(channel.size).toBe(10_000)
    for (let i = 0; i < 10_000; i++) expect(await channel.receive()).toEqual({ value: i, ok: true })
    expect(channel.size).toBe(0)
  })

  it('wakes waiting readers in order', async () => {
    const channel = new BufferedChannel<string>()
    const first = channel.receive()
    const second = channel.receive()
    channel.push('a')
    channel.push('b')
    expect(await first).toEqual({ value: 'a', ok: true })
    expect(await second).toEqual({ value: 'b', ok: true })
  })

  it('drains what it holds after close, then says ok: false', async () => {
    const channel = new BufferedChannel<string>()
    channel.push('a')
    channel.close()
    channel.push('ignored')
    expect(await channel.receive()).toEqual({ value: 'a', ok: true })
    expect(await channel.receive()).toEqual({ value: undefined, ok: false })
    expect(await channel.receive()).toEqual({ value: undefined, ok: false })
  })

  it('releases waiting readers on close', async () => {
    const channel = new BufferedChannel<string>()
    const waiting = channel.receive()
    channel.close()
    expect(await waiting).toEqual({ value: undefined, ok: false })
  })
})
