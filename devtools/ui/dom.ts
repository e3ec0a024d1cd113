import { dateAt } from '../format'

// Builds the panel's DOM. Text always goes in as text nodes: no markup string is ever parsed, so
// event data such as `<img src=x onerror=...>` stays inert, whatever a sender put in it.

export type Child = Node | string | number | null | undefined | false

export interface Props {
  readonly class?: string
  readonly title?: string
  readonly [attribute: `data-${string}` | `aria-${string}`]: string | undefined
  readonly type?: string
  readonly placeholder?: string
  readonly role?: string
  readonly value?: string
  readonly hidden?: boolean
}

/** An element of the panel's document with its props and children (text as text). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue
    if (name === 'class') element.className = value as string
    else if (name === 'value') (element as HTMLInputElement).value = value as string
    else if (name === 'hidden') element.hidden = true
    else element.setAttribute(name, value as string)
  }
  append(element, children)
  return element
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)))
  }
}

/** Replaces every child of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.textContent = ''
  append(parent, children)
}

/** A button calling `onClick`, with `label` and any other children. */
export function button(label: string, onClick: () => void, props: Props = {}, ...children: Child[]): HTMLButtonElement {
  const element = h('button', { type: 'button', ...props }, label, ...children)
  element.addEventListener('click', onClick)
  return element
}

/** `HH:MM:SS.mmm` in local time; `invalid time` for one no date can hold. */
export function clockTime(ms: number): string {
  const date = dateAt(ms)
  if (!date) return 'invalid time'
  const pad = (n: number, width = 2) => String(n).padStart(width, '0')
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`
}

/** A byte count for people. */
export function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

/** Copies text to the clipboard; resolves `false` where the page may not. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    return false
  }
}
