// The demo serves the shop and its header from one dev server under its two loopback names, which
// are two web origins (http://127.0.0.1:5173 and http://localhost:5173): the header is a
// micro-frontend of another origin, as a checkout on pay.example.com would be in a real shop.

/** The other loopback name's origin, same scheme and port: where the header lives if the page is here, and the reverse. */
export function otherLoopbackOrigin(here: Pick<Location, 'protocol' | 'hostname' | 'port'>): string {
  const host = here.hostname === 'localhost' ? '127.0.0.1' : 'localhost'
  return `${here.protocol}//${host}${here.port ? `:${here.port}` : ''}`
}
