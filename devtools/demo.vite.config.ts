// `npm run devtools`: the demo shop, served with the crossbus devtools page at /__crossbus/ (the
// Vite plugin of crossbus/vite), which opens watching the demo's bus. Open the shop itself at the
// root URL of the same server, in as many tabs as you like: the page sees them all.
import { fileURLToPath } from 'node:url'
import { mergeConfig } from 'vite'
// Relative imports name a file extension, as Vite asks of a config ("unsupported by configLoader:
// 'native'" otherwise): `.js`, which TypeScript and Vite's bundling loader map to the `.ts` file,
// since tsc takes `.ts` only with allowImportingTsExtensions, which the project's tsconfig leaves off.
import demo from '../demo/vite.config.js'
import { crossbusDevtools } from './vite-plugin.js'

export default mergeConfig(demo, {
  plugins: [crossbusDevtools({ entry: fileURLToPath(new URL('./index.ts', import.meta.url)), buses: ['shop'] })],
  server: { open: '/__crossbus/?bus=shop' },
})
