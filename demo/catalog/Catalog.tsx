// The catalog micro-frontend (React): lists what the inventory service publishes and adds to
// the cart by sending an event. It knows nothing of the cart, the header or the worker.
import { useEffect } from 'react'
import { createBusHooks } from '../../src/react/index'
import { money, type ShopEvents } from '../shop'
import { ProductIcon } from './ProductIcon'

const { useLatestEvent, useSend } = createBusHooks<ShopEvents>()

export function Catalog() {
  // `replay: 1` shows the last listing at once; the service's next one follows.
  const listed = useLatestEvent('inventory', 'catalog.listed', { replay: 1 })
  const send = useSend()

  useEffect(() => {
    send('inventory', 'catalog.requested', '/catalog')
  }, [send])

  if (!listed) return <p className="muted">Asking the inventory service…</p>
  return (
    <ul className="products">
      {listed.data.products.map((product) => (
        <li key={product.sku} className="product" data-sku={product.sku}>
          <ProductIcon sku={product.sku} />
          <span className="name">{product.name}</span>
          <span className="price">{money(product.price)}</span>
          <span className="stock">{product.available > 0 ? `${product.available} left` : 'Sold out'}</span>
          <button
            type="button"
            disabled={product.available === 0}
            aria-label={`Add ${product.name}`}
            onClick={() => send('cart', 'item.added', `/cart/${product.sku}`, { sku: product.sku, name: product.name, price: product.price })}
          >
            Add
          </button>
        </li>
      ))}
    </ul>
  )
}
