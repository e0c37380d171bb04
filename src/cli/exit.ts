/**
 * Exit codes and the one error type the CLI turns into a clean message: bad input never produces
 * a stack trace.
 */

export const EXIT_OK = 0;
/** The run completed but an expectation failed or an invariant broke. */
export const EXIT_EXPECTATION_FAILED = 1;
/** The input (a file, a flag, an override) was refused before anything ran. */
export const EXIT_BAD_INPUT = 2;
/** quorate itself failed; a bug. */
export const EXIT_INTERNAL = 3;

/** Bad input: `message` is the whole paragraph to print. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
