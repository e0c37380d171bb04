/**
 * The HTML report as a browser shows it: headless Chromium (Debian's `chromium` package) loads
 * the page, runs its script, and we check the dumped DOM — the state lanes and distribution charts
 * are there, and every hostile user string is text, not markup (the document title was not
 * changed by an injected script, no injected element exists). Skipped, with a note, when Chromium
 * is not installed; .ci/run installs it.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { quorate } from "../support/cli.js";

function findChromium(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    for (const name of ["chromium", "chromium-browser"]) {
      const path = join(dir, name);
      if (dir !== "" && existsSync(path)) return path;
    }
  }
  return undefined;
}

const chromium = findChromium();
if (!chromium)
  console.warn(
    "NOTE: chromium is not installed; skipping the headless-browser report tests (apt-get install chromium)",
  );

const dir = mkdtempSync(join(tmpdir(), "quorate-chromium-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs headless Chromium with a fresh profile; returns stdout. */
function browser(args: readonly string[]): string {
  const profile = mkdtempSync(join(dir, "profile-"));
  return execFileSync(
    chromium!,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profile}`,
      "--window-size=1280,1600",
      ...args,
    ],
    { encoding: "utf8", timeout: 90_000, stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 * 1024 * 1024 },
  );
}

describe.skipIf(!chromium)("HTML report in headless Chromium", () => {
  it("a run: lanes per VM and backend with their states, step markers, and hostile strings shown as text", () => {
    const json = join(dir, "run.json");
    const r = quorate(["run", "test/report/fixtures/hostile-strings.yaml", "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    writeFileSync(json, r.stdout);
    const html = join(dir, "run.html");
    expect(quorate(["report", json, "--html", html]).code).toBe(0);

    const dom = browser(["--dump-dom", pathToFileURL(html).href]);
    expect(dom).toContain('data-rendered="true"');
    expect(dom).toMatch(/<g class="lane" data-group="VMs" data-track="cp-0">[\s\S]*?data-state="poweredOff"/);
    expect(dom).toMatch(
      /<g class="lane" data-group="load balancer" data-track="kube_api_backend\/cp-0">[\s\S]*?data-state="DOWN"/,
    );
    expect(dom).toContain('<g class="lane" data-group="availability" data-track="endpoint">');
    expect(dom.match(/class="instant tone-step"/g)).toHaveLength(2);
    // Injected scripts did not run and injected markup is text.
    expect(dom).toContain("<title>hostile-strings (seed 1) — quorate</title>");
    expect(dom).not.toContain("pwned-description</title>");
    expect(dom).not.toMatch(/<img|<b>off/);
    expect(dom).toContain(
      "Power &lt;b&gt;off&lt;/b&gt; cp-0 &lt;script&gt;document.title='pwned-description'&lt;/script&gt;",
    );
    expect(dom).toContain("&lt;img src=x onerror=\"document.title='pwned-note'\"&gt;");
    expect(dom).toContain(
      "&lt;/script&gt;&lt;script&gt;document.title='pwned-quote'&lt;/script&gt; &amp;amp; &lt;!-- comment",
    );

    const png = join(dir, "run.png");
    browser([`--screenshot=${png}`, pathToFileURL(html).href]);
    expect(statSync(png).size).toBeGreaterThan(20_000);
  });

  it("a sweep: a CDF per measure and a histogram per combination", () => {
    const out = join(dir, "sweep");
    const s = quorate([
      "sweep",
      "experiments/haproxy-cp-power-cycle.yaml",
      "--seeds",
      "1..8",
      "--vary",
      "lb.inter=10s,20s",
      "--workers",
      "1",
      "--out",
      out,
    ]);
    expect(s.code, s.stderr).toBe(1);
    const html = join(dir, "sweep.html");
    expect(quorate(["report", join(out, "summary.json"), "--html", html]).code).toBe(0);
    const dom = browser(["--dump-dom", pathToFileURL(html).href]);
    expect(dom).toContain('data-rendered="true"');
    const measures = [...dom.matchAll(/<section class="measure" data-measure="([^"]+)"/g)].map((m) => m[1]);
    expect(measures).toContain("availability:endpoint");
    expect(measures).toContain("reached:4");
    expect(dom.match(/<svg[^>]* class="cdf"/g)).toHaveLength(measures.length);
    expect(dom.match(/<svg[^>]* class="histogram"/g)).toHaveLength(measures.length * 2);
    expect(dom).toMatch(/<path[^>]*class="cdf-line" data-series="lb.inter=20s"/);
    expect(dom).toContain("DOES NOT HOLD");
  });
});
