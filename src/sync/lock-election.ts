// The waiting candidates ask the leader every PING_MS whether it is there; after UNANSWERED asks
// in a row go unanswered, one takes the lock from it. A tab the browser froze, or paused in a
// debugger, or stuck in a long task, keeps its Web Locks for as long as it lives: only a steal
// moves leadership away from it. The leader answers from its message handler, which background
// tabs run promptly even while their timers are throttled to once a minute.
const PING_MS = 1_000
const UNANSWERED = 4
const PING = 'ping'
const ALIVE = 'alive'

/** Called when this instance starts or stops leading. */
export type OnLeading = (leading: boolean) => void

/**
 * Runs for leadership of `name` among the instances of the origin that call this with the same
 * name, on a Web Lock (so never two leaders that can both run), with a liveness check on top:
 * when the leader stops answering for about five seconds, a candidate steals the lock, and the
 * old leader, when it runs again, hears it lost the lock (`onLeading(false)`) and queues up again.
 * Returns the abdication: it releases the lock or leaves the queue.
 *
 * @example
 * const abdicate = electByLock('crossbus:shop:leader:poll', (leading) => console.log(leading), console.error)
 */
export function electByLock(name: string, onLeading: OnLeading, failed: (cause: unknown) => void): () => void {
  const locks = navigator.locks
  // Not the lock's name as a channel name: broadcast-channel's election (older builds) posts there.
  const channel = new BroadcastChannel(`${name}:liveness`)
  // Candidates ping only after a second without hearing ALIVE, so answers stay few.
  const answer = () => channel.postMessage(ALIVE)
  let stopped = false
  let leading = false
  let release: (() => void) | undefined
  let queued: AbortController | undefined
  let heard = false
  let unanswered = 0

  channel.onmessage = ({ data }: MessageEvent<unknown>) => {
    if (data === PING && leading) answer()
    else if (data === ALIVE) heard = true
  }

  function campaign(steal: boolean): void {
    // A steal can't be aborted (the spec refuses a signal with it); it is granted at once anyway.
    const controller = steal ? undefined : new AbortController()
    queued = controller
    const options: LockOptions = controller ? { signal: controller.signal } : { steal: true }
    locks
      .request(name, options, () => {
        if (stopped) return undefined
        queued = undefined
        leading = true
        onLeading(true)
        answer()
        return new Promise<void>((resolve) => (release = resolve))
      })
      .catch((error: unknown) => {
        // Aborted by this instance: it stopped, or left the queue to steal.
        if (stopped || controller?.signal.aborted) return
        if (error instanceof DOMException && error.name === 'AbortError') lost()
        else failed(error)
      })
  }

  /** The lock was stolen: this instance did not answer (it was frozen), so another leads now. */
  function lost(): void {
    if (!leading) return
    leading = false
    release?.()
    release = undefined
    onLeading(false)
    campaign(false)
  }

  const timer = setInterval(() => {
    if (leading) return
    if (heard) {
      heard = false
      unanswered = 0
      return
    }
    if (++unanswered <= UNANSWERED) {
      channel.postMessage(PING)
      return
    }
    unanswered = 0
    queued?.abort()
    campaign(true)
  }, PING_MS)

  campaign(false)
  return () => {
    stopped = true
    clearInterval(timer)
    queued?.abort()
    release?.()
    channel.close()
  }
}
