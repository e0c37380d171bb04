/**
 * Escaping for the HTML report. Every string that comes from a user's files (experiment and model
 * names, descriptions, step notes, expectation text and quotes, parameter values) goes through
 * one of these before it reaches the page; the page's script builds its charts with textContent
 * and setAttribute only, never with markup.
 */

const HTML_ESCAPES: ReadonlyMap<string, string> = new Map([
  ["&", "&amp;"],
  ["<", "&lt;"],
  [">", "&gt;"],
  ['"', "&quot;"],
  ["'", "&#39;"],
]);

/** Text safe to place in an element's content or in a quoted attribute value. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES.get(c) ?? c);
}

/**
 * JSON safe to place inside `<script type="application/json">`: `<`, `>` and `&` are written as
 * \u escapes so no string can close the script element or open a comment, and U+2028/U+2029 are
 * escaped for older parsers. JSON.parse reads the same value back.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
