// The panel's whole stylesheet, inside its shadow root. `:host` declarations are `!important`
// because inside a shadow tree important declarations beat the page's, even the page's important
// ones, while normal ones lose to them: a page's `* { ... !important }` cannot restyle the host.
export const ROW_HEIGHT = 22

const DARK_VARS = `
  --bg: #1b1e24; --bg2: #23272f; --fg: #e3e7ee; --muted: #9aa3b2; --line: #343a45;
  --accent: #7aa7ff; --sel: #2b3d5e; --bad: #ff6b6b; --ok: #81c784;
  --sent: #7aa7ff; --received: #ce93d8; --injected: #ffb74d; --replayed: #4db6ac; --imported: #bcaaa4;
`
const DARK = `:host([data-theme=dark]) .root {${DARK_VARS}}\n@media (prefers-color-scheme: dark) { :host([data-theme=auto]) .root {${DARK_VARS}} }\n`

export const PANEL_CSS = `
:host {
  all: initial !important;
  position: fixed !important;
  z-index: 2147483000 !important;
  display: block !important;
  inset: auto !important;
  width: 0 !important;
  height: 0 !important;
}
/* The colours live on .root, inside the shadow tree, where no page rule reaches them. */
.root {
  --bg: #ffffff; --bg2: #f4f5f7; --fg: #1d2330; --muted: #6a7283; --line: #dde1e7;
  --accent: #2f6fde; --sel: #dbe8ff; --bad: #c62828; --ok: #2e7d32;
  --sent: #2f6fde; --received: #7b1fa2; --injected: #ef6c00; --replayed: #00897b; --imported: #6d4c41;
  font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: var(--fg);
}
${DARK}* { box-sizing: border-box; }
button, input, select, textarea { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--line); border-radius: 4px; }
button { cursor: pointer; padding: 2px 8px; }
button:hover { border-color: var(--accent); }
button[aria-pressed=true] { background: var(--sel); border-color: var(--accent); }
input, select { padding: 2px 6px; min-width: 0; }
.toggle {
  position: fixed; width: 40px; height: 40px; border-radius: 20px; border: 0; padding: 0;
  background: var(--accent); color: #fff; font-weight: 700; box-shadow: 0 2px 8px rgba(0,0,0,.3);
}
.toggle.bottom-right { right: 16px; bottom: 16px; } .toggle.bottom-left { left: 16px; bottom: 16px; }
.toggle.top-right { right: 16px; top: 16px; } .toggle.top-left { left: 16px; top: 16px; }
.panel {
  position: fixed; left: 0; right: 0; bottom: 0; height: 45vh; min-height: 240px;
  display: flex; flex-direction: column; background: var(--bg); border-top: 1px solid var(--line);
  box-shadow: 0 -2px 12px rgba(0,0,0,.15);
}
.panel.dock-right { left: auto; top: 0; height: auto; width: min(560px, 45vw); min-width: 160px; border-top: 0; border-left: 1px solid var(--line); box-shadow: -2px 0 12px rgba(0,0,0,.15); }
.edge { position: absolute; z-index: 3; }
.dock-bottom > .edge { left: 0; right: 0; top: -3px; height: 6px; cursor: ns-resize; }
.dock-right > .edge { top: 0; bottom: 0; left: -3px; width: 6px; cursor: ew-resize; }
.page .panel { top: 0; height: auto; border: 0; box-shadow: none; }
.panel[hidden] { display: none; }
.bar { display: flex; gap: 6px; align-items: center; padding: 4px 8px; background: var(--bg2); border-bottom: 1px solid var(--line); flex-wrap: wrap; }
.bar .title { font-weight: 700; margin-right: 4px; }
.bar .grow { flex: 1; }
.bar input.f-system, .bar input.f-kind { width: 110px; } .bar input.f-path { width: 120px; } .bar input.f-text { width: 140px; }
.status { color: var(--muted); padding: 0 4px; overflow-wrap: anywhere; min-width: 0; }
.status.bad, .bad { color: var(--bad); }
.main { flex: 1; display: flex; min-height: 0; }
.view { flex: 1; display: flex; flex-direction: column; min-width: 0; min-height: 0; }
.view[hidden] { display: none; }
.table { flex: 1; display: flex; flex-direction: column; min-width: 0; min-height: 0; }
.thead, .row { display: grid; grid-template-columns: var(--cols); align-items: center; }
.thead { position: sticky; top: 0; z-index: 1; background: var(--bg2); border-bottom: 1px solid var(--line); color: var(--muted); user-select: none; min-width: 100%; width: max-content; }
.th { position: relative; padding: 2px 6px; overflow: hidden; white-space: nowrap; }
.grip { position: absolute; right: 0; top: 0; bottom: 0; width: 6px; cursor: col-resize; border-right: 1px solid var(--line); }
.scroll { flex: 1; overflow: auto; position: relative; min-height: 0; }
.spacer { position: relative; min-width: 100%; width: max-content; }
.rows { position: absolute; left: 0; top: 0; min-width: 100%; width: max-content; }
.row { height: ${ROW_HEIGHT}px; border-bottom: 1px solid var(--line); cursor: default; }
.row:hover { background: var(--bg2); }
.row.selected { background: var(--sel); }
.row[hidden] { display: none; }
.cell { padding: 0 6px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
.how { font-size: 10px; text-transform: uppercase; letter-spacing: .03em; }
.how-sent { color: var(--sent); } .how-received { color: var(--received); } .how-injected { color: var(--injected); }
.how-replayed { color: var(--replayed); } .how-imported { color: var(--imported); }
.empty { padding: 16px; color: var(--muted); }
.detail { width: 38%; min-width: 280px; border-left: 1px solid var(--line); overflow: auto; padding: 6px 8px; background: var(--bg); }
.detail[hidden] { display: none; }
.detail h3 { font-size: 12px; margin: 10px 0 4px; color: var(--muted); font-weight: 600; display: flex; gap: 6px; align-items: center; }
.detail pre { margin: 0; white-space: pre-wrap; word-break: break-all; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 1px 10px; }
.meta .k { color: var(--muted); }
.tree details { padding-left: 14px; } .tree summary { margin-left: -14px; cursor: pointer; }
.tree .leaf { padding-left: 14px; white-space: pre-wrap; word-break: break-all; }
.tree .key { color: var(--received); } .tree .string { color: var(--ok); } .tree .number, .tree .boolean { color: var(--accent); }
.tree .null { color: var(--muted); } .tree .note { color: var(--muted); }
.resend { display: grid; grid-template-columns: max-content 1fr; gap: 4px 8px; align-items: center; }
.resend textarea { grid-column: 1 / -1; min-height: 90px; resize: vertical; }
.resend .actions { grid-column: 1 / -1; display: flex; gap: 8px; align-items: center; }
.section { padding: 8px; overflow: auto; }
.section table { border-collapse: collapse; width: 100%; }
.section th, .section td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
.section th { color: var(--muted); font-weight: 600; }
.destination { border: 1px solid var(--line); border-radius: 4px; padding: 6px 8px; margin-bottom: 8px; }
.destination h3 { margin: 0 0 4px; font-size: 13px; }
.destination h4 { margin: 8px 0 4px; font-size: 12px; color: var(--muted); font-weight: 600; display: flex; gap: 8px; align-items: center; }
.destination .meta + .meta { margin-top: 4px; padding-top: 4px; border-top: 1px dashed var(--line); }
.destination td.actions { white-space: nowrap; }
.destination td.actions button + button { margin-left: 4px; }
.rates { display: flex; gap: 12px; flex-wrap: wrap; padding: 4px 8px; border-top: 1px solid var(--line); background: var(--bg2); min-height: 30px; align-items: center; }
.rate { display: flex; gap: 6px; align-items: center; }
.rate svg { width: 80px; height: 20px; }
.rate polyline { fill: none; stroke: var(--accent); stroke-width: 1.5; }
.timeline { flex: 1; display: flex; flex-direction: column; min-width: 0; min-height: 0; }
.timeline[hidden], .table[hidden] { display: none; }
.tl-head { display: flex; gap: 6px; align-items: center; padding: 2px 8px; border-bottom: 1px solid var(--line); flex-wrap: wrap; }
.tl-body { flex: 1; display: flex; overflow: auto; min-height: 0; align-items: flex-start; }
.tl-lanes { flex: none; width: 110px; border-right: 1px solid var(--line); }
.tl-lane { height: 28px; line-height: 28px; padding: 0 6px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; border-bottom: 1px solid var(--line); }
.tl-plot { flex: 1; position: relative; min-width: 0; }
.tl-plot canvas { display: block; cursor: crosshair; touch-action: none; }
.tl-tip { position: absolute; z-index: 2; max-width: 260px; padding: 3px 6px; background: var(--bg2); border: 1px solid var(--line); border-radius: 4px; pointer-events: none; overflow-wrap: anywhere; }
.tl-tip[hidden] { display: none; }
/* A phone (390 px): the bar wraps, the inputs share the line, the detail goes below the rows. */
@media (max-width: 599px) {
  .bar input.f-system, .bar input.f-kind, .bar input.f-path, .bar input.f-text { flex: 1 1 90px; width: auto; }
  .main { flex-direction: column; }
  .detail { width: auto; min-width: 0; border-left: 0; border-top: 1px solid var(--line); max-height: 55%; }
  .panel { height: 70vh; }
  .tl-lanes { width: 80px; }
  .sidebar { width: auto; border-right: 0; border-bottom: 1px solid var(--line); }
}
.sidebar { width: 200px; border-right: 1px solid var(--line); overflow: auto; padding: 6px; background: var(--bg2); }
.sidebar h2 { font-size: 12px; color: var(--muted); margin: 4px 0 6px; }
.sidebar button { display: block; width: 100%; text-align: left; margin-bottom: 4px; }
.sidebar button[data-bus] { display: flex; gap: 8px; justify-content: space-between; align-items: baseline; }
.sidebar .name { overflow-wrap: anywhere; min-width: 0; }
.sidebar .count { color: var(--muted); flex: none; }
.sidebar form { display: flex; gap: 4px; flex-wrap: wrap; }
.sidebar form input { flex: 1 1 100px; }
.sidebar form button { display: inline-block; width: auto; }
`
