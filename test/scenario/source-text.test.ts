import { describe, expect, it } from "vitest";
import { checkText, decodeSource } from "../../src/scenario/source-text.js";

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p))));

describe("decodeSource", () => {
  it("accepts UTF-8 and drops a byte-order mark", () => {
    expect(decodeSource(bytes([0xef, 0xbb, 0xbf], "a: µs\n"), "f")).toEqual({ ok: true, text: "a: µs\n" });
  });

  it("locates the first invalid UTF-8 byte by line and column", () => {
    const r = decodeSource(bytes("a: 1\nbé: ", [0xc3, 0x28]), "f");
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatchObject({ line: 2, col: 5 });
      expect(r.error.message).toContain("byte 0xC3 at offset 10 is not valid UTF-8");
    }
  });

  it("refuses overlong encodings and surrogates, which Node would otherwise replace silently", () => {
    expect(decodeSource(bytes([0xc0, 0xaf]), "f").ok).toBe(false);
    expect(decodeSource(bytes([0xed, 0xa0, 0x80]), "f").ok).toBe(false);
  });

  it("names UTF-16 files and refuses files over the limit", () => {
    const utf16 = decodeSource(bytes([0xff, 0xfe], "a"), "f");
    expect(!utf16.ok && utf16.error.message).toContain("UTF-16");
    const big = decodeSource(new Uint8Array(2048), "f", 1024);
    expect(!big.ok && big.error.message).toBe("the file is too large (2.0 KiB)");
  });
});

describe("checkText", () => {
  it("refuses NUL and other control characters at their position", () => {
    const nul = checkText("a: 1\nb: \u0000", "f");
    expect(!nul.ok && nul.error).toMatchObject({ line: 2, col: 4, message: expect.stringContaining("NUL") });
    const esc = checkText("a: \u001b", "f");
    expect(!esc.ok && esc.error.message).toContain("U+001B");
    expect(checkText("a:\tb\r\n", "f").ok).toBe(true);
  });

  it("measures the limit in UTF-8 bytes", () => {
    expect(checkText("é".repeat(600), "f", 1024).ok).toBe(false);
    expect(checkText("e".repeat(600), "f", 1024).ok).toBe(true);
  });
});
