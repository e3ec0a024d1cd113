// The cart micro-frontend (Vue): derives the cart from the cart's events (replayed after a
// reload, live from every tab), changes it only by sending events, and asks the inventory worker
// what it costs with a request (`useRequest`), never pricing it itself.
import { computed, defineComponent, h, watch } from 'vue'
import { createBusComposables } from '../../src/vue/index'
import { cartOf, itemCount, money, totalOf, type ShopEvents } from '../shop'

const { useEvents, useRequest, useSend } = createBusComposables<ShopEvents>()

/** What the worker's quote says, or that it is on its way, or why it failed. */
function quoteText(quote: ReturnType<typeof useRequest<'pricing', 'cart.quote'>>): string {
  if (quote.error.value) return `Pricing unavailable: ${quote.error.value.message}`
  const reply = quote.data.value
  if (!reply) return 'Pricing…'
  const discount = reply.discount > 0 ? ` after ${money(reply.discount)} off from 3 items` : ''
  return `${quote.loading.value ? 'Repricing… ' : ''}Priced by the inventory worker: ${money(reply.total)}${discount}`
}

export const Cart = defineComponent({
  name: 'ShopCart',
  setup() {
    const events = useEvents('cart', { limit: Infinity, replay: 'all' })
    const lines = computed(() => cartOf(events.value))
    const send = useSend()
    const quote = useRequest('pricing', 'cart.quote', '/cart/quote')
    const reprice = () => {
      if (lines.value.length > 0) void quote.request({ lines: lines.value.map(({ sku, quantity }) => ({ sku, quantity })) })
    }
    watch(lines, reprice, { immediate: true })
    // The worker starts after this page and may not handle yet (NOT_FOUND), or its tab may close
    // mid-request: ask again shortly.
    watch(quote.error, (error) => {
      if (error && (error.code === 'NOT_FOUND' || error.retryable)) setTimeout(reprice, 1_000)
    })

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
        h('p', { class: 'muted', 'data-testid': 'cart-quote' }, quoteText(quote)),
        h('button', { type: 'button', class: 'ghost wide', onClick: () => send('cart', 'cart.cleared', '/cart') }, 'Empty cart'),
      ])
    }
  },
})
