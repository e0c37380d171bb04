/**
 * The page shell: one self-contained HTML file — stylesheet, data and script inline, no network
 * requests — so a report can be mailed, attached to a ticket or opened from disk offline.
 */
import { escapeHtml, jsonForScript } from "./escape.js";
import { REPORT_SCRIPT } from "./script.js";
import { REPORT_CSS } from "./style.js";

/** A complete HTML document around `body`, with `data` for the charts. */
export function page(title: string, body: string, data: unknown): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="quorate">
<title>${escapeHtml(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
${body}
<script type="application/json" id="quorate-data">${jsonForScript(data)}</script>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}

/** A table from a header row and body rows of already-escaped HTML cells. */
export function table(head: readonly string[], rows: readonly (readonly string[])[], cls = ""): string {
  const th = head.map((h) => `<th>${h}</th>`).join("");
  const body = rows.map((r) => `<tr>${r.join("")}</tr>`).join("\n");
  return `<table${cls ? ` class="${cls}"` : ""}><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** A cell with escaped text. */
export function td(text: unknown, cls = ""): string {
  return `<td${cls ? ` class="${cls}"` : ""}>${escapeHtml(text)}</td>`;
}
