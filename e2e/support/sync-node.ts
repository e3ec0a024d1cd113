import type { Frame, Page } from '@playwright/test'
import type { NodeReport, SyncNode } from '../fixtures/sync/node'

const NODE = '/e2e/fixtures/sync/node.ts'

/** Where the node of a page lives, for the specs' page.evaluate calls. */
export interface NodeWindow {
  syncNode: SyncNode
}

/** Starts a sync test node (fixtures/sync/node.ts) on bus `name` in a page or frame; resolves to its bus id. */
export function startNode(target: Page | Frame, name: string): Promise<string> {
  return target.evaluate(
    async ([url, busName]) => {
      const { startNode }: typeof import('../fixtures/sync/node') = await import(url)
      const node = startNode(busName)
      ;(window as unknown as NodeWindow).syncNode = node
      return node.bus.origin
    },
    [NODE, name] as const,
  )
}

/** What the node of a page or frame has received so far. */
export function reportOf(target: Page | Frame): Promise<NodeReport> {
  return target.evaluate(() => (window as unknown as NodeWindow).syncNode.report())
}
