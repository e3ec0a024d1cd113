// A small inline SVG per product. Not emoji: they render as empty boxes where no emoji font is
// installed (headless Chromium, many Linux desktops), and they look different on every system.
import type { ReactNode } from 'react'

const ICONS: Record<string, ReactNode> = {
  espresso: (
    <g transform="rotate(35 12 12)">
      <ellipse cx="12" cy="12" rx="6.5" ry="9.5" fill="#7b5135" />
      <path d="M12 2.8c-2.4 3.6 2.4 6.1 0 9.2s2.4 5.6 0 9.2" fill="none" stroke="#3e2619" strokeWidth="1.5" strokeLinecap="round" />
    </g>
  ),
  matcha: (
    <>
      <path d="M9 2.5c-1 1.2 1 2.3 0 3.5M13 2.5c-1 1.2 1 2.3 0 3.5" fill="none" stroke="#9aa5b1" strokeWidth="1.2" strokeLinecap="round" />
      <path d="M2.5 9.5h19a9.5 8.5 0 0 1-19 0z" fill="#8a6a58" />
      <ellipse cx="12" cy="9.5" rx="9.5" ry="2" fill="#8bc34a" />
      <rect x="8.5" y="17.2" width="7" height="2.6" rx="1" fill="#6d5244" />
    </>
  ),
  croissant: (
    <>
      <path d="M2 16.5C2.5 9 7 5.5 12 5.5s9.5 3.5 10 11c-2.4-2.6-5.6-4-10-4s-7.6 1.4-10 4z" fill="#e3a247" />
      <path d="M7.5 7.3l1.8 5.6M12 5.5v7M16.5 7.3l-1.8 5.6" fill="none" stroke="#b06f25" strokeWidth="1.3" strokeLinecap="round" />
    </>
  ),
  honey: (
    <>
      <rect x="6" y="2.5" width="12" height="3.5" rx="1" fill="#8a6a58" />
      <rect x="4" y="6" width="16" height="15.5" rx="4" fill="#f2b31b" />
      <rect x="7" y="10.5" width="10" height="6.5" rx="1.2" fill="#fff4cf" />
      <path d="M9 13.8h6" stroke="#c98a0c" strokeWidth="1.3" strokeLinecap="round" />
    </>
  ),
  chocolate: (
    <>
      <rect x="5" y="2.5" width="14" height="19" rx="2" fill="#5b3a29" />
      <path d="M12 2.5v11M5 8h14" stroke="#3b2418" strokeWidth="1.2" />
      <path d="M5 13.5l2.3-1.4 2.3 1.4 2.4-1.4 2.3 1.4 2.4-1.4 2.3 1.4v6a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2z" fill="#c62f2f" />
    </>
  ),
  lemons: (
    <>
      <g transform="rotate(-35 12 13.5)">
        <ellipse cx="12" cy="13.5" rx="8.5" ry="6.3" fill="#f7d325" />
        <circle cx="3.3" cy="13.5" r="1.4" fill="#f7d325" />
        <circle cx="20.7" cy="13.5" r="1.4" fill="#f7d325" />
      </g>
      <path d="M18.8 6.6c-.2-2.6 1.4-4.2 3.7-4.3.1 2.5-1.4 4.1-3.7 4.3z" fill="#6fa83a" />
    </>
  ),
}

// A parcel, for a product the service lists that has no icon of its own yet.
const PARCEL = (
  <>
    <path d="M3 7.5l9-4.5 9 4.5v9l-9 4.5-9-4.5z" fill="#c9a27a" />
    <path d="M3 7.5l9 4.5 9-4.5M12 12v9" fill="none" stroke="#9c7650" strokeWidth="1.3" strokeLinejoin="round" />
  </>
)

/** The product's icon, decorative: the product's name says what it is. */
export function ProductIcon({ sku }: { sku: string }) {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="40" height="40" aria-hidden="true" focusable="false">
      {ICONS[sku] ?? PARCEL}
    </svg>
  )
}
