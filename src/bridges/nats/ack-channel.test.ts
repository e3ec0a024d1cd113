import { afterEach, describe, expect, it, vi } from 'vitest'
import { AckChannel } from './ack-channel'

// Node has BroadcastChannel too: these run the real channel, between instances of one process.
// Messages from one sender arrive in order, so a test that wants to show a message was ignored
// ends with a message from the same sender that is heard: by then the other one arrived too.
let counter = 0
const closers: Array<{ close(): void }> = []
afterEach(() => {
  for (const closer of closers.splice(0)) closer.close()
})

function setup() {
  const name = `crossbus:ack-test-${++counter}:nats:crossbus.t`
  const raw = new BroadcastChannel(name)
  closers.push(raw)
  const open = (origin: string) => {
    const heard: string[][] = []
    const channel = new AckChannel(name, origin, (keys) => heard.push([...keys]))
    closers.push(channel)
    return { channel, heard }
  }
  return { raw, open }
}

/** Resolves once `heard` holds `count` batches. */
async function until(heard: string[][], count: number): Promise<void> {
  await vi.waitFor(() => expect(heard.length).toBeGreaterThanOrEqual(count), { timeout: 5000, interval: 5 })
}

describe('AckChannel', () => {
  it('a leader takes no acks from the channel, however well formed; its standbys take its own', async () => {
    const { raw, open } = setup()
    const announced: Array<{ leader: string; term: number }> = []
    raw.onmessage = (message: MessageEvent<{ leader: string; term: number }>) => void announced.push(message.data)
    const leader = open('leader-tab')
    const standby = open('standby-tab')
    leader.channel.lead()
    standby.channel.follow()
    leader.channel.post(['6:ordersleader-tab-4'])
    await until(standby.heard, 1)
    // The attack that silenced a leader: acks of its future events, unsigned, then signed by another "leader".
    raw.postMessage({ acked: ['6:ordersleader-tab-1', '6:ordersleader-tab-2'] })
    raw.postMessage({ leader: 'someone', term: Date.now() - 1000, acked: ['6:ordersleader-tab-3'] })
    // Signed as the leader, as code of the origin can: the standby hears it, and so the forgeries before it arrived.
    const { term } = announced.find((message) => message.leader === 'leader-tab')!
    raw.postMessage({ leader: 'leader-tab', term, acked: ['sentinel'] })
    await until(standby.heard, 2)
    expect(leader.heard).toEqual([])
    // The standby took the leader's acks only: "someone" names a term older than the one the leader announced.
    expect(standby.heard).toEqual([['6:ordersleader-tab-4'], ['sentinel']])
  })

  it('a standby takes acks only from the leader of the latest term, refuses terms from the future and malformed messages without throwing', async () => {
    const { raw, open } = setup()
    const standby = open('standby-tab')
    standby.channel.follow()
    const now = Date.now()
    const forgeries: unknown[] = [
      null,
      'acked',
      42,
      [],
      { acked: ['6:orderssome-1'] },
      { acked: 'x', leader: 'l', term: now },
      { acked: [1, 2], leader: 'l', term: now },
      { acked: [null], leader: 'l', term: now },
      { acked: ['k'], leader: '', term: now },
      { acked: ['k'], leader: 7, term: now },
      { acked: ['k'], leader: 'l', term: '1' },
      { acked: ['k'], leader: 'l', term: Number.NaN },
      { acked: ['k'], leader: 'l', term: 1.5 },
      { acked: ['k'], leader: 'l', term: -1 },
      { acked: ['k'], leader: 'l', term: 1e300 },
      // A term an hour ahead of the clock every tab of the origin shares: no leader took it.
      { acked: ['future'], leader: 'l', term: now + 3_600_000 },
      { leader: 'l', term: now },
    ]
    for (const forgery of forgeries) raw.postMessage(forgery)
    raw.postMessage({ leader: 'old', term: now - 10, acked: ['old-1'] })
    raw.postMessage({ leader: 'new', term: now - 5, acked: ['new-1'] })
    // The old leader, still talking after the new one took over, and someone reusing the new term.
    raw.postMessage({ leader: 'old', term: now - 10, acked: ['old-2'] })
    raw.postMessage({ leader: 'other', term: now - 5, acked: ['other-1'] })
    raw.postMessage({ leader: 'new', term: now - 5, acked: ['new-2'] })
    await until(standby.heard, 3)
    expect(standby.heard).toEqual([['old-1'], ['new-1'], ['new-2']])
  })

  it('a context that takes over announces a term above every term it saw, so its standbys follow it and not the one before', async () => {
    const { raw, open } = setup()
    const first = open('first-tab')
    const second = open('second-tab')
    const third = open('third-tab')
    for (const { channel } of [first, second, third]) channel.follow()
    const ahead = Date.now() + 30_000
    // A leader whose clock term is ahead of now (up to a minute is accepted): the next one must still outrank it.
    raw.postMessage({ leader: 'first-tab', term: ahead, acked: ['a'] })
    await until(second.heard, 1)
    second.channel.lead()
    second.channel.post(['b'])
    raw.postMessage({ leader: 'first-tab', term: ahead, acked: ['late'] })
    // The second took the term just above the one it saw; signed with it, the sentinel is heard after 'late' arrived.
    raw.postMessage({ leader: 'second-tab', term: ahead + 1, acked: ['sentinel'] })
    await until(third.heard, 3)
    expect(third.heard).toEqual([['a'], ['b'], ['sentinel']])
    expect(second.heard).toEqual([['a']])
  })

  it('posts nothing while it does not lead', async () => {
    const { open } = setup()
    const standby = open('standby-tab')
    const witness = open('witness-tab')
    standby.channel.follow()
    witness.channel.follow()
    standby.channel.post(['x'])
    // The same context, leading now: what it posts comes after anything it posted before.
    standby.channel.lead()
    standby.channel.post(['y'])
    await until(witness.heard, 1)
    expect(witness.heard).toEqual([['y']])
  })
  it('a burst of acks travels as runs and reaches the standby as the same keys, in order; an ack without runs is still heard', async () => {
    const { raw, open } = setup()
    const leader = open('leader-tab')
    const standby = open('standby-tab')
    leader.channel.lead()
    standby.channel.follow()
    const posted: unknown[] = []
    raw.onmessage = (message: MessageEvent<unknown>) => void posted.push(message.data)
    const keys = [
      ...Array.from({ length: 300 }, (_, i) => `6:ordersleader-tab-${i + 1}`),
      '8:paymentsleader-tab-7',
      '8:paymentsleader-tab-8',
      'no-number',
      'zero-0',
      'padded-007',
      'padded-008',
      '5:huge1x-12345678901234567',
      '5:huge1x-12345678901234568',
      '6:ordersleader-tab-9',
    ]
    leader.channel.post(keys)
    await until(standby.heard, 1)
    expect(standby.heard[0]!.sort()).toEqual([...keys].sort())
    // One run for the 300: a few strings cross the channel, not one per event.
    await vi.waitFor(() => expect(posted.length).toBeGreaterThan(0))
    const message = posted.at(-1) as { acked: string[]; runs: unknown[] }
    expect(message.acked).toEqual(['no-number', 'zero-0'])
    expect(message.runs.length).toBeLessThanOrEqual(3 * 6)
    // Older leaders post every key in acked.
    const { term } = message as unknown as { term: number }
    raw.postMessage({ leader: 'leader-tab', term, acked: ['6:ordersleader-tab-301'] })
    await until(standby.heard, 2)
    expect(standby.heard[1]).toEqual(['6:ordersleader-tab-301'])
    // Runs that are not runs, or name too many keys, make the message malformed: ignored.
    for (const runs of [['p', 1], ['p', 0, 3], ['p', 5, 4], [7, 1, 2], ['p', 1, 2 ** 21]]) raw.postMessage({ leader: 'leader-tab', term, acked: [], runs })
    raw.postMessage({ leader: 'leader-tab', term, acked: ['sentinel'] })
    await until(standby.heard, 3)
    expect(standby.heard[2]).toEqual(['sentinel'])
  })
})
