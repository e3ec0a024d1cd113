// `npm run devtools`: the demo shop, served with the crossbus devtools page at /__crossbus/ (the
// Vite plugin of crossbus/vite), which opens watching the demo's bus. Open the shop itself at the
// root URL of the same server, in as many tabs as you like: the page sees them all.
import { fileURLToPath } from 'node:url'
import { mergeConfig } from 'vite'
import demo from '../demo/vite.config'
import { crossbusDevtools } from './vite-plugin'

export default mergeConfig(demo, {
  plugins: [crossbusDevtools({ entry: fileURLToPath(new URL('./index.ts', import.meta.url)), buses: ['shop'] })],
  server: { open: '/__crossbus/?bus=shop' },
})
