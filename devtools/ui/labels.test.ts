import { describe, expect, it } from 'vitest'
import { EXTERNAL_ORIGIN } from '../../src/cloudevents/index'
import type { Peer } from '../../src/core/index'
import { contextLabel, OriginLabels } from './labels'

const peer = (origin: string, kind: Peer['kind'], self = false): Peer => ({ origin, kind, since: 0, self })

describe('context labels', () => {
  it('come from the kind and the id, so two viewers that met the contexts in another order name them the same', () => {
    const tab = peer('k3f9abcdefghij', 'window')
    const worker = peer('0a1bzzzzzzzzzz', 'worker')
    const other = peer('q7r8yyyyyyyyyy', 'window')
    const one = new OriginLabels('this tab')
    const two = new OriginLabels('devtools')
    one.update([{ ...tab, self: true }, worker, other])
    two.update([other, worker])
    two.update([tab, other, worker])
    for (const context of [tab, worker, other]) expect(one.of(context.origin)).toBe(two.of(context.origin))
    expect([one.of(tab.origin), one.of(worker.origin)]).toEqual(['tab k3f9', 'worker 0a1b'])
  })

  it('keep the id part for a context never met (its kind unknown), and name the outside of the origin', () => {
    expect(contextLabel('abcd1234567890', undefined)).toBe('context abcd')
    expect(new OriginLabels().of('abcd1234567890')).toBe('context abcd')
    expect(contextLabel(EXTERNAL_ORIGIN, 'window')).toBe('external')
  })

  it('say a label changed only when a kind was learned', () => {
    const labels = new OriginLabels()
    expect(labels.update([peer('aaaa1111111111', 'iframe')])).toBe(true)
    expect(labels.update([peer('aaaa1111111111', 'iframe')])).toBe(false)
    expect(labels.of('aaaa1111111111')).toBe('frame aaaa')
    expect([...labels.known()]).toEqual(['aaaa1111111111'])
  })
})
