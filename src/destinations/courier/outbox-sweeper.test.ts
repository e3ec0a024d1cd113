import { describe, expect, it, vi } from 'vitest'
import { OutboxSweeper } from './outbox-sweeper'
import type { OutboxEntry } from '../store'

/** Lets every promise reaction that is ready run: the sweeper waits on nothing else. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve()
}

const entry = (n: number): OutboxEntry => ({ destination: 'd', queuedAt: 0, event: { id: `o-${n}`, system: 's', kind: 'k', path: `/${n}`, data: undefined, time: n, origin: 'o', seq: n } })

describe('OutboxSweeper', () => {
  it('one transaction at a time: removals asked for meanwhile go together in the next one, and each caller hears when its entries are out', async () => {
    const transactions: string[][] = []
    let finish: () => void = () => {}
    const sweeper = new OutboxSweeper((entries) => {
      transactions.push(entries.map((each) => each.event.id))
      return new Promise<void>((resolve) => (finish = resolve))
    })
    const first = sweeper.sweep([entry(1)])
    const alsoFirst = sweeper.sweep([entry(2)]) // same task: same transaction
    await Promise.resolve()
    expect(transactions).toEqual([['o-1', 'o-2']])
    const second = sweeper.sweep([entry(3)])
    const alsoSecond = sweeper.sweep([entry(4), entry(5)])
    await settle()
    expect(transactions).toHaveLength(1) // waits for the first transaction
    let secondDone = false
    void second.then(() => (secondDone = true))
    finish()
    await Promise.all([first, alsoFirst])
    await vi.waitFor(() => expect(transactions).toHaveLength(2))
    expect(transactions).toEqual([['o-1', 'o-2'], ['o-3', 'o-4', 'o-5']])
    expect(secondDone).toBe(false)
    finish()
    await Promise.all([second, alsoSecond])
  })

  it('a failed transaction rejects its callers only; the next one still runs', async () => {
    let calls = 0
    const sweeper = new OutboxSweeper(async () => {
      if (++calls === 1) throw new Error('quota')
    })
    await expect(sweeper.sweep([entry(1)])).rejects.toThrow('quota')
    await expect(sweeper.sweep([entry(2)])).resolves.toBeUndefined()
    expect(calls).toBe(2)
  })
})
