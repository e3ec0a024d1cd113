import type { BroadcastChannel as FallbackChannel } from 'broadcast-channel'
import type { Envelope } from './envelope'

/** The one thing sync needs from a channel; each mechanism is a strategy behind it. */
export interface Transport {
  /** Posts to every other instance on the channel. Throws `DataCloneError` for unclonable data. */
  post(message: Envelope): void
  /** Stops receiving and releases the channel. Idempotent. */
  close(): void
}

/** Opens a transport on `channelName`, calling `receive` with each raw incoming message. */
export type OpenTransport = (channelName: string, receive: (raw: unknown) => void) => Transport

/**
 * The native BroadcastChannel where it exists (every current browser, in windows and every kind of
 * worker), else `broadcast-channel`'s fallbacks (IndexedDB, localStorage) for older browsers.
 *
 * Native is used directly rather than through `broadcast-channel` because its native method
 * wraps every message (`{ time, type, data }`) and throws inside its own listener on a message
 * without that wrapper, so a foreign or crafted message could never be counted and dropped.
 */
export const openBrowserTransport: OpenTransport = (channelName, receive) =>
  typeof BroadcastChannel === 'function' ? openNative(channelName, receive) : openFallback(channelName, receive)

function openNative(channelName: string, receive: (raw: unknown) => void): Transport {
  const channel = new BroadcastChannel(channelName)
  channel.onmessage = (event) => receive(event.data)
  // A message that could not be deserialized here: hand on something that fails the checks.
  channel.onmessageerror = () => receive(undefined)
  let closed = false
  return {
    post: (message) => channel.postMessage(message),
    close: () => {
      if (closed) return
      closed = true
      channel.onmessage = null
      channel.onmessageerror = null
      channel.close()
    },
  }
}

// Loaded on demand: only browsers without a native BroadcastChannel need it, so apps split it off.
function openFallback(channelName: string, receive: (raw: unknown) => void): Transport {
  let channel: FallbackChannel<unknown> | undefined
  let closed = false
  const waiting: Envelope[] = []
  const ignore = () => {}
  // Its postMessage is asynchronous; a failure there has nothing left to undo.
  const send = (open: FallbackChannel<unknown>, message: Envelope) => void open.postMessage(message).catch(ignore)
  import('broadcast-channel').then(({ BroadcastChannel }) => {
    if (closed) return
    // webWorkerSupport: IndexedDB rather than localStorage, so workers are reached too.
    const open = (channel = new BroadcastChannel<unknown>(channelName, { webWorkerSupport: true }))
    open.onmessage = receive
    for (const message of waiting.splice(0)) send(open, message)
  }, ignore)
  return {
    post: (message) => {
      if (channel) send(channel, message)
      else waiting.push(message)
    },
    close: () => {
      closed = true
      if (channel && !channel.isClosed) channel.close().catch(ignore)
    },
  }
}
