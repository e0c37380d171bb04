/** Quoting words for a shell command a person will copy and paste (re-run commands). */

const SAFE = /^[A-Za-z0-9_./:=,+@%-]+$/;

/** The word as POSIX shell input: as is when safe, else in single quotes. */
export function shellQuote(word: string): string {
  if (word !== "" && SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A command line from words. */
export function shellCommand(words: readonly string[]): string {
  return words.map(shellQuote).join(" ");
}
