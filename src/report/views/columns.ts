/**
 * kubectl-style tables: upper-case headers, columns separated by three spaces, no borders — the
 * look `kubectl get` and `etcdctl -w table` users scan every day.
 */

/** Aligns rows under headers (`kubectl get` layout). */
export function columns(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("   ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

/** etcdctl `-w table` layout: boxed with +---+ rules. */
export function boxed(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const rule = `+${widths.map((w) => "-".repeat(w + 2)).join("+")}+`;
  const line = (cells: readonly string[]) =>
    `|${cells.map((c, i) => ` ${c.padStart(widths[i]!)} `).join("|")}|`;
  return [rule, line(headers.map((h, i) => h.padStart(widths[i]!))), rule, ...rows.map(line), rule].join(
    "\n",
  );
}

/** kubectl's AGE column: `45s`, `3m12s`, `2h5m`, `3d`. */
export function age(us: number): string {
  const s = Math.floor(us / 1_000_000);
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${m % 60 ? `${m % 60}m` : ""}`;
  return `${Math.floor(h / 24)}d`;
}
