/** The report's stylesheet, inlined so the page works offline and from a single file. */
export const REPORT_CSS = `
:root { --fg: #1d2127; --muted: #5f6670; --line: #d9dde3; --bg: #ffffff; --pass: #1e7f47; --fail: #b3261e;
  --step: #0b6bcb; --fault: #c8453b; --warn: #9a6700; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
body { color: var(--fg); background: var(--bg); margin: 0; padding: 24px 32px 64px; line-height: 1.45; }
h1 { font-size: 1.5rem; margin: 0 0 4px; } h2 { font-size: 1.15rem; margin: 32px 0 8px; } h3 { font-size: 1rem; margin: 20px 0 6px; }
.meta { color: var(--muted); margin: 0 0 8px; } .description { margin: 4px 0 12px; max-width: 70em; }
.verdict { display: inline-block; font-weight: 700; padding: 4px 10px; border-radius: 4px; color: #fff; }
.verdict.pass { background: var(--pass); color: #fff; } .verdict.fail { background: var(--fail); color: #fff; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 0.9rem; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
th { color: var(--muted); font-weight: 600; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.pass { color: var(--pass); font-weight: 600; } .fail { color: var(--fail); font-weight: 600; }
.quote { color: var(--muted); font-style: italic; } code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.85rem; }
.timeline td.time { font-family: ui-monospace, Menlo, Consolas, monospace; color: var(--muted); white-space: nowrap; }
.tone-fault { color: var(--fault); } .tone-recovery { color: var(--pass); } .tone-step { color: var(--step); font-weight: 600; }
.tone-violation { color: #fff; background: var(--fail); } .tone-detail { color: var(--muted); } .tone-change { color: var(--warn); }
.chart { overflow-x: auto; margin: 8px 0 16px; } .chart svg { font-size: 11px; font-family: inherit; }
.chart .axis line, .chart .grid { stroke: var(--line); } .chart .label { fill: var(--fg); } .chart .muted { fill: var(--muted); }
.chart .group-label { font-weight: 700; fill: var(--fg); }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 0.85rem; margin: 4px 0 0; }
.legend span.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
.dists { display: flex; flex-wrap: wrap; gap: 12px 24px; }
details summary { cursor: pointer; color: var(--muted); }
.note { color: var(--muted); font-size: 0.9rem; }
`;
