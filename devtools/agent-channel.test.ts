import { afterEach, describe, expect, it, vi } from 'vitest'
import type { BusError, PluginHost, SubscriptionInfo } from '../src/core/index'
import { agentChannelName, answerDevtools, askContexts, DEFAULT_LIMITS, type ChannelEnd, type ContextReport } from './agent-channel'
import { RateLimit } from './rate-limit'

// Polls, not sleeps: messages arrive when the loaded machine gets to them.
const SLOW = { timeout: 10_000, interval: 20 }
const opened: { close(): void }[] = []
afterEach(() => {
  for (const end of opened.splice(0)) end.close()
})

function channel(busName: string): BroadcastChannel {
  const made = new BroadcastChannel(agentChannelName(busName))
  opened.push(made)
  return made
}

function fakeHost(name: string, reported: BusError[]): PluginHost {
  const subscriptions: SubscriptionInfo[] = [{ id: 1, pattern: 'orders.**', kind: undefined, replay: false }]
  return { name, origin: 'agent-origin', closed: false, subscriptions: () => subscriptions, report: (error: BusError) => void reported.push(error) } as unknown as PluginHost
}

/** Posts `count` messages from another channel end, then one marker the listener sees after all of them. */
async function flood(busName: string, count: number, message: (i: number) => unknown, listening: BroadcastChannel): Promise<void> {
  const sender = channel(busName)
  const done = new Promise<void>((resolve) => listening.addEventListener('message', (event: MessageEvent) => (event.data as { marker?: boolean }).marker && resolve()))
  for (let i = 0; i < count; i++) sender.postMessage(message(i))
  sender.postMessage({ marker: true })
  await done
}

describe('RateLimit', () => {
  it('takes up to max a window, counts the rest, and tells their number once when the window ends', async () => {
    vi.useFakeTimers()
    try {
      let now = 0
      const told: number[] = []
      const limit = new RateLimit(3, 1_000, (count) => told.push(count), () => now)
      expect([1, 2, 3, 4, 5].map(() => limit.take())).toEqual([true, true, true, false, false])
      expect([limit.droppedTotal, told]).toEqual([2, []])
      now = 1_000
      vi.advanceTimersByTime(1_000)
      expect(told).toEqual([2])
      expect(limit.take()).toBe(true)
      limit.close()
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('the devtools side channel under a flood', () => {
  it('answers 10,000 forged asks a few times, drops the rest over the limit, and reports them once', async () => {
    const busName = `flood-asks-${Math.random()}`
    const reported: BusError[] = []
    const answering: ChannelEnd = answerDevtools(fakeHost(busName, reported), { ...DEFAULT_LIMITS, now: () => 0 })
    opened.push(answering)
    const listening = channel(busName)
    const answers: ContextReport[] = []
    listening.addEventListener('message', (event: MessageEvent) => (event.data as { type?: string }).type === 'context' && answers.push(event.data as ContextReport))
    // The agent's own end hears the marker too, after every ask: by then it has handled them all.
    const agentSide = channel(busName)
    await flood(busName, 10_000, () => ({ crossbusDevtools: 1, type: 'ask' }), agentSide)
    await vi.waitFor(() => expect(answering.dropped).toBe(10_000 - DEFAULT_LIMITS.asksPerSecond), SLOW)
    // One answer at once; the asks after it share the next one (the clock stands still here).
    await vi.waitFor(() => expect(answers).toHaveLength(1), SLOW)
    await vi.waitFor(() => expect(reported.map((error) => error.code)).toEqual(['DEVTOOLS_RATE_LIMITED']), SLOW)
    expect(reported[0]!.message).toContain(`${10_000 - DEFAULT_LIMITS.asksPerSecond} devtools asks on the side channel of the bus "${busName}" were dropped`)
    expect(answers[0]).toMatchObject({ origin: 'agent-origin', subscriptions: [{ pattern: 'orders.**', count: 1 }] })
  })

  it('reads 50,000 forged reports up to its limit and drops the rest, and refuses reports no devtools would send', async () => {
    const busName = `flood-reports-${Math.random()}`
    const heard: ContextReport[] = []
    const dropped: number[] = []
    const asking = askContexts(busName, (report) => heard.push(report), (count) => dropped.push(count), { ...DEFAULT_LIMITS, now: () => 0 })
    opened.push(asking)
    const report = (i: number) => ({ crossbusDevtools: 1, type: 'context', origin: `forged-${i}`, kind: 'window', label: 'x', subscriptions: [] })
    await flood(busName, 50_000, report, channel(busName))
    await vi.waitFor(() => expect(asking.dropped).toBe(50_000 - DEFAULT_LIMITS.reportsPerSecond), SLOW)
    expect(heard).toHaveLength(DEFAULT_LIMITS.reportsPerSecond)
    await vi.waitFor(() => expect(dropped).toEqual([50_000 - DEFAULT_LIMITS.reportsPerSecond]), SLOW)

    const odd = askContexts(`${busName}-odd`, (one) => heard.push(one), () => {})
    opened.push(odd)
    const before = heard.length
    const groups = Array.from({ length: 1_001 }, () => ({ pattern: 'a', count: 1 }))
    const oddSide = channel(`${busName}-odd`)
    await flood(`${busName}-odd`, 3, (i) => (i === 0 ? { ...report(0), label: 'x'.repeat(5_000) } : i === 1 ? { ...report(1), subscriptions: groups } : report(2)), oddSide)
    // The third, a plain report, is heard: the two before it were refused, not still on their way.
    await vi.waitFor(() => expect(heard.slice(before).map((one) => one.origin)).toEqual(['forged-2']), SLOW)
  })
})
