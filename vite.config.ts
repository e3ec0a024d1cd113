// Library build: ESM bundles in dist/, one per public entry point.
// Type declarations come from `tsc -p tsconfig.build.json`, not from Vite.
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const root = fileURLToPath(new URL('.', import.meta.url))

// Adapters ship only once their source exists, so the build works while they are being written.
const candidateEntries: Record<string, string> = {
  index: 'src/index.ts',
  core: 'src/core/index.ts',
  sync: 'src/sync/index.ts',
  replay: 'src/replay/index.ts',
  react: 'src/react/index.ts',
  vue: 'src/vue/index.ts',
  cloudevents: 'src/cloudevents/index.ts',
  destinations: 'src/destinations/index.ts',
  nats: 'src/bridges/nats/index.ts',
  frames: 'src/bridges/frames/index.ts',
  devtools: 'devtools/index.ts',
  vite: 'devtools/vite-plugin.ts',
}
const entry = Object.fromEntries(
  Object.entries(candidateEntries).filter(([, file]) => existsSync(root + file)),
)
if (!entry.index) throw new Error('vite.config.ts: src/index.ts is missing; nothing to build.')

// A library doesn't bundle what its user installs: runtime deps, peers, and the
// frameworks and RxJS it plugs into (plus their subpaths: rxjs/operators, react/jsx-runtime).
const pkg = JSON.parse(readFileSync(root + 'package.json', 'utf8')) as {
  dependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
}
const externalPackages = new Set([
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.peerDependencies ?? {}),
  'rxjs',
  'react',
  'react-dom',
  'vue',
])
const isExternal = (id: string) =>
  [...externalPackages].some((name) => id === name || id.startsWith(`${name}/`))

export default defineConfig({
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Consumers minify; readable output makes their stack traces and audits easier.
    minify: false,
    sourcemap: true,
    lib: {
      entry,
      formats: ['es'],
      fileName: (_format, entryName) => `${entryName}.js`,
    },
    rolldownOptions: {
      external: isExternal,
      output: { chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
})
