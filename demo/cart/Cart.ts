// The cart micro-frontend (Vue): derives the cart from the cart's events (replayed after a
// reload, live from every tab) and changes it only by sending events.
import { computed, defineComponent, h } from 'vue'
import { createBusComposables } from '../../src/vue/index'
import { cartOf, itemCount, money, totalOf, type ShopEvents } from '../shop'

const { useEvents, useSend } = createBusComposables<ShopEvents>()

export const Cart = defineComponent({
  name: 'ShopCart',
  setup() {
    const events = useEvents('cart', { limit: Infinity, replay: 'all' })
    const lines = computed(() => cartOf(events.value))
    const send = useSend()

    return () => {
      if (lines.value.length === 0) return h('p', { class: 'muted', 'data-testid': 'cart-empty' }, 'Your cart is empty.')
      return h('div', [
        h(
          'ul',
          { class: 'lines' },
          lines.value.map((line) =>
            h('li', { class: 'line', key: line.sku, 'data-sku': line.sku }, [
              h('span', { class: 'name' }, line.name),
              h('span', { class: 'quantity' }, `× ${line.quantity}`),
              h('span', { class: 'price' }, money(line.price * line.quantity)),
              h(
                'button',
                { type: 'button', class: 'ghost', 'aria-label': `Remove one ${line.name}`, onClick: () => send('cart', 'item.removed', `/cart/${line.sku}`, { sku: line.sku }) },
                '−',
              ),
            ]),
          ),
        ),
        h('p', { class: 'total' }, [
          h('span', itemCount(lines.value) === 1 ? '1 item' : `${itemCount(lines.value)} items`),
          h('strong', { 'data-testid': 'cart-total' }, money(totalOf(lines.value))),
        ]),
        h('button', { type: 'button', class: 'ghost wide', onClick: () => send('cart', 'cart.cleared', '/cart') }, 'Empty cart'),
      ])
    }
  },
})
