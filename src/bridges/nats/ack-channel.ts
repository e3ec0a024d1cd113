/**
 * How the leading bridge tells the other bridging contexts of the origin which exported events
 * the NATS server has, so they drop them from their standby {@link ExportLog}. Without a
 * BroadcastChannel (outside a browser) it does nothing: a context that takes over then publishes
 * its whole window again, and receivers drop the second copies by identity.
 */
export class AckChannel {
  private readonly channel: BroadcastChannel | undefined

  constructor(name: string, onAcked: (keys: readonly string[]) => void) {
    // Created here, at setup, never at import time: the module must load where there is no BroadcastChannel.
    this.channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(name) : undefined
    if (this.channel) {
      this.channel.onmessage = (message: MessageEvent<unknown>) => {
        const keys = (message.data as { acked?: unknown } | null)?.acked
        // Anything else on the channel is not ours to trust.
        if (Array.isArray(keys) && keys.every((key) => typeof key === 'string')) onAcked(keys)
      }
    }
  }

  post(keys: readonly string[]): void {
    if (keys.length > 0) this.channel?.postMessage({ acked: keys })
  }

  close(): void {
    this.channel?.close()
  }
}
