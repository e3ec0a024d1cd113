// The worker both contenders of bench/pages/request.js ask: a crossbus handler and a raw port echo.
import { createBus } from '/src/index.ts'

self.addEventListener('message', async (event) => {
  try {
    const { name, port, channel } = event.data
    port.onmessage = (message) => port.postMessage({ id: message.data.id, value: { n: message.data.data.n } })
    const broadcast = new BroadcastChannel(channel)
    broadcast.onmessage = (message) => message.data.data && broadcast.postMessage({ id: message.data.id, value: { n: message.data.data.n } })
    const bus = createBus({ name })
    await bus.handle('bench', 'bench.echo', (e) => ({ n: e.data.n })).ready
    self.postMessage('ready')
  } catch (error) {
    self.postMessage(`request-worker failed: ${error}`)
  }
})
