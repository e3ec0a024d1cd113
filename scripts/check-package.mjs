#!/usr/bin/env node
// After `npm run build`: every subpath export resolves from the package itself, by `import` and,
// on the Node versions package.json names (require of ES modules), by `require`, and has its
// type declarations (one rolled-up file per entry); `npm pack` ships them all; and an
// app's code type-checks against the published declarations (not the sources), strictly, with
// skipLibCheck off, as a user's project would see them.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
const require = createRequire(import.meta.url)
let failed = false
for (const [subpath, target] of Object.entries(pkg.exports)) {
  if (typeof target !== 'object') continue
  const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`
  try {
    const imported = await import(specifier)
    const required = require(specifier)
    if (Object.keys(imported).length === 0 || Object.keys(required).length !== Object.keys(imported).length) throw new Error('exports differ between import and require')
    if (!existsSync(new URL(`../${target.types}`, import.meta.url))) throw new Error(`no type declarations at ${target.types}`)
    console.log(`${specifier}: import, require and types resolve (${Object.keys(imported).length} exports)`)
  } catch (error) {
    failed = true
    console.error(`${specifier}: ${error.message}`)
  }
}
// What `npm pack` ships holds every file "exports" names (and none of dist/types, which the
// rolled-up declarations replace): a package can build fine and still ship without a file.
const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' }))[0].files.map((file) => file.path)
const named = Object.values(pkg.exports).flatMap((target) => (typeof target === 'object' ? Object.values(target) : [target])).map((path) => path.replace(/^\.\//, ''))
const unpacked = named.filter((path) => !packed.includes(path))
for (const path of unpacked) console.error(`npm pack: ${path}, named by "exports", is not in the package`)
const stray = packed.filter((path) => path.startsWith('dist/types/') || path.startsWith('dist/api/'))
if (stray.length > 0) console.error(`npm pack: the package ships ${stray[0]} (and ${stray.length - 1} more) of the build's intermediate files`)
// The DevTools extension ships unpacked, for a user to load from node_modules/crossbus/dist/extension.
const extensionFiles = ['manifest.json', 'panel.html', 'devtools.html', 'hook.js', 'relay.js', 'background.js'].map((file) => `dist/extension/${file}`)
for (const path of extensionFiles.filter((file) => !packed.includes(file))) {
  failed = true
  console.error(`npm pack: ${path} of the DevTools extension is not in the package`)
}
if (unpacked.length > 0 || stray.length > 0) failed = true
else console.log(`npm pack: the package holds every file "exports" names, and no intermediate file (${packed.length} files)`)

// A consumer in the package's own folder imports it by name, through "exports" and "types".
const consumerDir = '.package-check'
rmSync(consumerDir, { recursive: true, force: true })
mkdirSync(consumerDir)
writeFileSync(
  join(consumerDir, 'app.ts'),
  `import { createBus, type Bus, type BusEvent, type BusHandle, type EventsMatching } from 'crossbus'
import { toCloudEvent } from 'crossbus/cloudevents'
import { createBus as createCoreBus, compileEventFilter, type ModuleHandle } from 'crossbus/core'
import { sync } from 'crossbus/sync'
import { replay } from 'crossbus/replay'
import { destinations } from 'crossbus/destinations'
import { bridgeNats } from 'crossbus/nats'
import { mountDevtools } from 'crossbus/devtools'
import { crossbusDevtools } from 'crossbus/vite'
import { createBusHooks } from 'crossbus/react'
import { createBusComposables } from 'crossbus/vue'

interface ShopEvents { orders: { 'order.created': { total: number } } }
const shop = createBus<ShopEvents>({ name: 'shop', replay: {} })
const untyped = createBus()
const core = createCoreBus<ShopEvents>({ name: 'core', plugins: [sync(), replay()] })
shop.subscribe('orders', { replay: 'all' }).subscribe((event) => event.data.total.toFixed())
// @ts-expect-error the map has no such kind
shop.subscribe('orders', 'order.creatd')
const event: BusEvent = shop.send('orders', 'order.created', '/orders/1', { total: 1 })
toCloudEvent(event)
// The types of a signature are nameable, and a bus of one entry is the bus of every other entry.
const handle: BusHandle<ShopEvents> = shop.scope({ subscribe: ['orders'] })
const same: Bus<ShopEvents> = core
const created: EventsMatching<ShopEvents, 'orders'>[] = []
const handles: ModuleHandle<unknown, unknown>[] = [mountDevtools(shop), mountDevtools(untyped, { destinations: destinations(untyped) }), bridgeNats(core, { servers: 'ws://127.0.0.1:8080' }), bridgeNats(shop, { servers: 'ws://127.0.0.1:8080' }), destinations(core)]
compileEventFilter({ system: 'orders.*' })({ system: 'orders.eu', kind: 'order.created' })
createBusHooks<ShopEvents>()
createBusComposables<ShopEvents>()
crossbusDevtools()
export { handle, same, created, handles }
`,
)
writeFileSync(
  join(consumerDir, 'tsconfig.json'),
  JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, skipLibCheck: false, module: 'esnext', moduleResolution: 'bundler', target: 'es2022', lib: ['es2022', 'dom', 'dom.iterable'], types: [] },
    files: ['app.ts'],
  }),
)
try {
  execFileSync('npx', ['tsc', '-p', join(consumerDir, 'tsconfig.json')], { stdio: 'inherit' })
  console.log('an app type-checks against the published declarations of every entry')
} catch {
  failed = true
  console.error('an app does not type-check against the published declarations (see above)')
}

if (failed) process.exit(1)
