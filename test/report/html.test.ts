import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { prepareRun } from "../../src/engine/prepare.js";
import { executeRun } from "../../src/engine/run.js";
import { escapeHtml, jsonForScript } from "../../src/report/html/escape.js";
import { readRunDocument } from "../../src/report/html/run-document.js";
import { renderRunHtml } from "../../src/report/html/run-page.js";
import { renderSweepHtml } from "../../src/report/html/sweep-page.js";
import { renderJson } from "../../src/report/json.js";
import { summarise } from "../../src/sweep/summary.js";
import { header, run } from "../sweep/helpers.js";

const HOSTILE = "test/report/fixtures/hostile-strings.yaml";

describe("escaping", () => {
  it("escapeHtml leaves no markup characters", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(escapeHtml(s)).not.toMatch(/[<>"']/);
      }),
    );
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });

  it("jsonForScript never closes the script element and reads back to the same value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), (v, s) => {
        const value = { v, s: `</script><!--${s}` };
        const text = jsonForScript(value);
        expect(text).not.toMatch(/<\/|<!--|[<>]/);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});

describe("HTML pages", () => {
  it("a run page shows every user string as text only", () => {
    const p = prepareRun(HOSTILE);
    if (!p.ok) throw new Error("fixture does not load");
    const doc = readRunDocument(JSON.parse(renderJson(executeRun(p.run))));
    if ("error" in doc) throw new Error(doc.error);
    const html = renderRunHtml(doc);
    expect(html).toContain("Power &lt;b&gt;off&lt;/b&gt; cp-0 &lt;script&gt;");
    expect(html).toContain("&lt;/script&gt;&lt;script&gt;document.title=&#39;pwned-quote&#39;");
    expect(html).toContain("&lt;img src=x onerror=");
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<b>");
    // Exactly the page's own two script elements.
    expect(html.match(/<script/g)).toHaveLength(2);
    // Self-contained: nothing is loaded from anywhere.
    expect(html).not.toMatch(/<link|(src|href)\s*=\s*["']?https?:|url\(/i);
  });

  it("refuses documents that are not run results", () => {
    expect(readRunDocument({ format: "other" })).toEqual({
      error: expect.stringContaining("quorate run --format json"),
    });
    expect(readRunDocument([])).toEqual({ error: "not a JSON object" });
    expect(readRunDocument({ format: "quorate.dev/run-result/v1", experiment: "x" })).toEqual({
      error: expect.stringContaining('"model"'),
    });
  });

  it("a sweep page lists pass rates, failing seeds and re-run commands, with chart data", () => {
    const h = { ...header("1..4", ["lb.inter=<b>5s</b>"]) };
    const runs = [1, 2, 3, 4].map((seed) => run(0, seed, seed === 3 ? null : seed * 60_000_000));
    const html = renderSweepHtml(summarise(h, runs), runs);
    expect(html).toContain("lb.inter=&lt;b&gt;5s&lt;/b&gt;");
    expect(html).not.toContain("<b>");
    expect(html).toContain('<td class="num">3/4</td>');
    expect(html).toContain(
      "quorate run experiments/x.yaml --seed 3 --set &#39;lb.inter=&lt;b&gt;5s&lt;/b&gt;&#39;",
    );
    const data = JSON.parse(
      /<script type="application\/json" id="quorate-data">(.*?)<\/script>/s.exec(html)![1]!,
    );
    const recovery = data.measures.find((m: { name: string }) => m.name === "metrics:recoveryUs");
    expect(recovery.series[0]).toEqual({
      label: "lb.inter=<b>5s</b>",
      values: [60_000_000, 120_000_000, 240_000_000],
      missing: 1,
    });
  });
});
