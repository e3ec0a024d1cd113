// Dev server for the Playwright tests (started by playwright.config.ts).
//
// Root is the repo root, so a fixture page under /e2e/fixtures/ can import the
// library straight from source: `await import('/src/index.ts')`.
//
// Deterministic on purpose. By default Vite discovers dependencies lazily and,
// when it meets a new one, re-bundles and force-reloads every open page
// ("optimized dependencies changed. reloading"), which kills tests mid-run.
// So every dependency is pre-bundled up front and discovery is off; a fixture
// that imports a package not listed here must add it to `optimizeDeps.include`.
import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

// E2E_PORT: see playwright.config.ts.
const e2ePort = Number(process.env.E2E_PORT || 5179)

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  // Own cache so the demo's or vitest's Vite never invalidates ours (or races with it); one per
  // port, so two runs in one work tree (E2E_PORT apart) never pre-bundle into the same directory.
  cacheDir: `node_modules/.vite/e2e-${e2ePort}`,
  // No index.html fallback: a mistyped fixture URL should 404, not serve something else.
  appType: 'mpa',
  publicDir: false,
  clearScreen: false,
  plugins: [react(), vue()],
  server: {
    host: '127.0.0.1',
    port: e2ePort,
    strictPort: true,
    open: false,
    // Source edits by others during a run must never reload a test page. With HMR off, an edit
    // only invalidates the module for the next import. (Don't also set `ws: false`: the injected
    // /@vite/client keeps trying to connect and fills the console with errors.)
    hmr: false,
  },
  optimizeDeps: {
    noDiscovery: true,
    include: [
      'rxjs',
      'rxjs/operators',
      'broadcast-channel',
      'idb',
      'react',
      'react-dom',
      'react-dom/client',
      'react-dom/server',
      'react/jsx-runtime',
      'react/jsx-dev-runtime',
      'vue',
      // The NATS bridge's clients, imported on demand by src/bridges/nats (JetStream's in its durable mode).
      '@nats-io/nats-core',
      '@nats-io/jetstream',
    ],
  },
  worker: {
    // Module workers (`new Worker(url, { type: 'module' })`, SharedWorker too) may import packages.
    format: 'es',
  },
})
