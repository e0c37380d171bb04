/**
 * The first gate for an input file: is it a reasonably sized UTF-8 text file at all? Checked on
 * the raw bytes before any YAML parsing, so a wrong file (an image, a tarball, a 50 MB log passed
 * by mistake) is refused at once with a message that says what it looks like.
 */
import { isUtf8 } from "node:buffer";
import type { InputError } from "./errors.js";

/**
 * Largest input accepted, in bytes. Experiment and model files are a few kilobytes; the `yaml`
 * package parses dense YAML at only about 0.5–1 MB/s, so 256 KiB keeps even a hostile file well
 * under a second while leaving a hundred times the room a real experiment needs.
 */
export const MAX_SOURCE_BYTES = 256 * 1024;

/** Text that passed the gate, or the reason it did not. */
export type DecodedSource =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly error: InputError };

const UTF8 = new TextDecoder("utf-8");
const TEXT_FILE = "a YAML text file encoded as UTF-8";

/**
 * Checks size and encoding of a file's bytes and decodes them (a UTF-8 byte-order mark is
 * dropped). `maxBytes` defaults to {@link MAX_SOURCE_BYTES}.
 */
export function decodeSource(bytes: Uint8Array, file: string, maxBytes = MAX_SOURCE_BYTES): DecodedSource {
  if (bytes.length > maxBytes) return { ok: false, error: tooLargeError(file, bytes.length, maxBytes) };
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return {
      ok: false,
      error: {
        file,
        line: 1,
        col: 1,
        path: [],
        message: "the file is encoded as UTF-16 (it starts with a UTF-16 byte-order mark)",
        expected: TEXT_FILE,
        hint: "save the file as UTF-8 (most editors offer this under 'encoding')",
      },
    };
  }
  if (!isUtf8(bytes)) {
    const offset = firstInvalidUtf8(bytes);
    const pos = bytePosition(bytes, offset);
    return {
      ok: false,
      error: {
        file,
        ...pos,
        path: [],
        message: `this is not a text file: byte 0x${hex(bytes[offset] ?? 0)} at offset ${offset} is not valid UTF-8`,
        expected: TEXT_FILE,
        hint: "check that the path names the experiment's .yaml file and not a binary or compressed file",
      },
    };
  }
  return checkText(UTF8.decode(bytes), file, maxBytes);
}

/**
 * The same checks for text already in memory (from stdin or a test): size in UTF-8 bytes, and no
 * NUL or other control characters, which YAML does not allow and which mean a binary file.
 */
export function checkText(text: string, file: string, maxBytes = MAX_SOURCE_BYTES): DecodedSource {
  // A UTF-16 string never needs more than 3 UTF-8 bytes per unit, so the exact count is needed
  // only near the limit.
  if (text.length * 3 > maxBytes) {
    const size = Buffer.byteLength(text, "utf8");
    if (size > maxBytes) return { ok: false, error: tooLargeError(file, size, maxBytes) };
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const bad = findControlCharacter(body);
  if (bad >= 0) {
    const code = body.charCodeAt(bad);
    const isNul = code === 0;
    return {
      ok: false,
      error: {
        file,
        ...textPosition(body, bad),
        path: [],
        message: isNul
          ? "this looks like a binary file: it contains a NUL byte"
          : `the file contains the control character U+${hex(code, 4)}, which YAML does not allow`,
        expected: TEXT_FILE,
        hint: isNul
          ? "check that the path names the experiment's .yaml file"
          : "delete the character (it is often invisible; a hex viewer or `cat -A` shows it)",
      },
    };
  }
  return { ok: true, text: body };
}

/** The error for a file above the size limit (also used before reading, from the file's size). */
export function tooLargeError(file: string, size: number, maxBytes: number): InputError {
  return {
    file,
    line: 1,
    col: 1,
    path: [],
    message: `the file is too large (${formatBytes(size)})`,
    expected: `at most ${formatBytes(maxBytes)}`,
    hint: "experiment and model files are normally a few kilobytes; check that this is the right file",
  };
}

/** Index of the first character YAML 1.2 forbids among C0 controls and DEL, or -1. */
function findControlCharacter(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return i;
  }
  return -1;
}

/** Offset of the first byte that breaks UTF-8 (called only when the buffer is known to be invalid). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const need =
      b < 0x80
        ? 0
        : b >= 0xc2 && b <= 0xdf
          ? 1
          : b >= 0xe0 && b <= 0xef
            ? 2
            : b >= 0xf0 && b <= 0xf4
              ? 3
              : -1;
    if (need < 0) return i;
    let end = i + 1;
    for (; end <= i + need; end++) {
      const c = bytes[end];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    // Overlong forms, surrogates and code points above U+10FFFF.
    const b1 = bytes[i + 1] ?? 0;
    if (
      (b === 0xe0 && b1 < 0xa0) ||
      (b === 0xed && b1 > 0x9f) ||
      (b === 0xf0 && b1 < 0x90) ||
      (b === 0xf4 && b1 > 0x8f)
    ) {
      return i;
    }
    i = end;
  }
  return Math.max(0, bytes.length - 1);
}

/** Line and column (UTF-16 units, as the YAML parser and editors count) of a byte offset in a buffer whose prefix is valid UTF-8. */
function bytePosition(bytes: Uint8Array, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  const col = UTF8.decode(bytes.subarray(lineStart, offset)).length + 1;
  return { line, col };
}

/** Line and column (UTF-16 units, as the YAML parser and editors count) of an index into a string. */
export function textPosition(text: string, index: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < index; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, col: index - lineStart + 1 };
}

function hex(n: number, width = 2): string {
  return n.toString(16).toUpperCase().padStart(width, "0");
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}
