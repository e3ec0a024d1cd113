// `npm run demo`: serves the shop on http://127.0.0.1:5173 (the next free port if taken).
// The demo imports the library from source (../src), so no build step is needed first.
import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig, type Plugin } from 'vite'

const demoRoot = fileURLToPath(new URL('.', import.meta.url))
const repoRoot = fileURLToPath(new URL('..', import.meta.url))

/** Says what to do with the URL, after Vite's own lines. */
function printHowTo(): Plugin {
  return {
    name: 'crossbus-demo-how-to',
    configureServer(server) {
      const printUrls = server.printUrls.bind(server)
      server.printUrls = () => {
        printUrls()
        const url = server.resolvedUrls?.local[0] ?? 'the Local URL above'
        server.config.logger.info(`\n  crossbus demo: open ${url} in two tabs, add to the cart in one, watch the other.\n`)
      }
    },
  }
}

export default defineConfig({
  root: demoRoot,
  cacheDir: fileURLToPath(new URL('../node_modules/.vite/demo', import.meta.url)),
  publicDir: false,
  appType: 'mpa',
  plugins: [react(), printHowTo()],
  server: {
    host: '127.0.0.1',
    port: 5173,
    // The demo imports ../src; allow serving it.
    fs: { allow: [repoRoot] },
  },
  // Pre-bundled up front, so the first visit on a fresh clone doesn't reload itself midway.
  optimizeDeps: {
    entries: ['index.html', 'header/index.html'],
    include: ['react', 'react-dom/client', 'react/jsx-dev-runtime', 'vue', 'rxjs', 'broadcast-channel', 'idb'],
  },
  worker: { format: 'es' },
})
