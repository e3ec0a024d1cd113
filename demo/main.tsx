// The shell: one bus for the page, a policy per micro-frontend (each gets a handle that may only
// send and subscribe where its policy says), and the inventory service in a worker.
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { createApp } from 'vue'
import { BusProvider } from '../src/react/index'
import { createBusPlugin } from '../src/vue/index'
import { Cart } from './cart/Cart'
import { Catalog } from './catalog/Catalog'
import { mountDevtools, type DevtoolsHandle } from '../devtools/index'
import { openShopBus } from './shop'
import { embedHeader } from './header/embed'

const bus = openShopBus()
// The header is served from the other loopback origin, bridged with crossbus/frames.
embedHeader(bus, document.querySelector<HTMLIFrameElement>('iframe.header')!)

// The header's "Devtools" button: the crossbus devtools panel, in this page, over the same bus.
let devtools: DevtoolsHandle | undefined
bus.subscribe('shop', 'devtools.toggled').subscribe(() => {
  if (devtools) {
    void devtools.close()
    devtools = undefined
  } else devtools = mountDevtools(bus, { open: true })
})

createRoot(document.getElementById('catalog')!).render(
  <StrictMode>
    <BusProvider bus={bus} policy={{ send: ['cart', 'inventory'], subscribe: ['inventory'] }}>
      <Catalog />
    </BusProvider>
  </StrictMode>,
)

createApp(Cart)
  .use(createBusPlugin(bus, { policy: { send: ['cart', 'pricing'], subscribe: ['cart'] } }))
  .mount('#cart')

new Worker(new URL('./inventory.worker.ts', import.meta.url), { type: 'module', name: 'inventory' })
