/** Turns located input errors into the one UsageError the CLI prints (exit code 2). */
import { formatInputErrors, type InputError } from "../scenario/errors.js";
import { UsageError } from "./exit.js";

export function inputFailure(errors: readonly InputError[]): UsageError {
  return new UsageError(`invalid input\n${formatInputErrors(errors)}`);
}
