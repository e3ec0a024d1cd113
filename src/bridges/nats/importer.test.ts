import { describe, expect, it } from 'vitest'
import type { BusError, BusEvent, PluginHost } from '../../core/index'
import type { BridgeState, Counts, Runtime } from './bridge-state'
import { IdentityLedger } from './identity-ledger'
import { Importer } from './importer'
import { fingerprintOf, MessageCodec, stampOf } from './message'
import { resolveOptions } from './options'
import { GapTracker } from './publish-seq'

const event = (seq: number, data: unknown = { seq }): BusEvent => ({ id: `remote-${seq}`, system: 'orders', kind: 'k', path: '/p', data, time: 1, origin: 'remote', seq })

/** A leading importer over a host that records what it is told. */
function leadingImporter() {
  const told = { injected: [] as BusEvent[], dropped: [] as BusError[], missed: [] as BusError[] }
  const host = {
    closed: false,
    origin: 'me',
    inject: (e: BusEvent) => (told.injected.push(e), true),
    drop: (error: BusError) => void told.dropped.push(error),
    missed: (error: BusError) => void told.missed.push(error),
  } as unknown as PluginHost
  const counts: Counts = { imported: 0, duplicates: 0, conflicts: 0, dropped: 0, gaps: 0, missed: 0 }
  const codec = new MessageCodec('p', 400)
  const runtime = { codec, gaps: new GapTracker(), fingerprintOf, stampOf, stamped: true } as unknown as Runtime
  const state: BridgeState = { host, options: resolveOptions({ servers: 'ws://h', subjectPrefix: 'p' }, 'b'), ledger: new IdentityLedger('me'), counts, leading: true, state: 'connected', runtime }
  const importer = new Importer(state)
  const receive = (e: BusEvent, stamp?: string) => {
    const { subject, payload } = codec.encode(e, stamp === undefined ? undefined : () => stamp)
    importer.received(subject, payload)
  }
  return { importer, told, counts, receive }
}

describe('Importer', () => {
  it('delivers an identity once: the same bytes again are a duplicate, other data a conflict, reported and never delivered', () => {
    const { told, counts, receive } = leadingImporter()
    receive(event(1))
    receive(event(1))
    receive(event(1, { seq: 'forged' }))
    expect(told.injected.map((e) => e.data)).toEqual([{ seq: 1 }])
    expect(counts).toMatchObject({ imported: 1, duplicates: 1, conflicts: 1 })
    expect(told.dropped.map((error) => error.code)).toEqual(['NATS_IDENTITY_CONFLICT'])
  })

  it('reports the messages a publisher sent that never arrived, with their count, and a refused message is no gap', () => {
    const { told, counts, receive } = leadingImporter()
    receive(event(1), 'pub~0 1')
    receive(event(5), 'pub~0 4')
    // Too large for maxMessageBytes: dropped, but it arrived.
    receive(event(6, 'x'.repeat(500)), 'pub~0 5')
    receive(event(7), 'pub~0 6')
    expect(counts).toMatchObject({ imported: 3, dropped: 1, gaps: 1, missed: 2 })
    expect(told.missed.map((error) => error.code)).toEqual(['NATS_EVENTS_MISSED'])
    expect(told.missed[0]!.message).toMatch(/^2 NATS messages on "p\.orders\.:\.k" from the bridge pub~0 never arrived here/)
  })
})
