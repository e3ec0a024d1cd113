/** Whether a message came from an iframe of this page (whose own bridge, if any, judges it). */
export function isChildFrame(source: MessageEventSource | null): boolean {
  for (let i = 0; i < window.frames.length; i++) if (window.frames[i] === source) return true
  return false
}
