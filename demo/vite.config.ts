// `npm run demo`: serves the shop on http://127.0.0.1:5173 (the next free port if taken).
// The demo imports the library from source (../src), so no build step is needed first.
import { readFile } from 'node:fs/promises'
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
        server.config.logger.info(`\n  crossbus demo: open ${url} in two tabs, add to the cart in one, watch the other.`)
        // The same server under its other loopback name is a second web origin: the header's.
        server.config.logger.info(`  The header comes from the other loopback name (localhost / 127.0.0.1): another origin, bridged with crossbus/frames.\n`)
      }
    },
  }
}

/** Serves the repository's README at /README.md: the page's footer links to it. */
function serveReadme(): Plugin {
  return {
    name: 'crossbus-demo-readme',
    configureServer(server) {
      server.middlewares.use('/README.md', (_request, response, next) => {
        readFile(new URL('../README.md', import.meta.url)).then((readme) => {
          response.setHeader('Content-Type', 'text/plain; charset=utf-8')
          response.end(readme)
        }, next)
      })
    },
  }
}

export default defineConfig({
  root: demoRoot,
  cacheDir: fileURLToPath(new URL('../node_modules/.vite/demo', import.meta.url)),
  publicDir: false,
  appType: 'mpa',
  plugins: [react(), serveReadme(), printHowTo()],
  // Vue's esm-bundler build warns in the console unless its compile-time flags are defined, which
  // @vitejs/plugin-vue would do; the demo has no .vue files, so it defines them itself (Vue's
  // defaults: the Options API kept, no devtools or hydration-mismatch details in production).
  define: {
    __VUE_OPTIONS_API__: 'true',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
  },
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
