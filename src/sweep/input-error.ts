/**
 * A problem with a sweep's command line (a seed range, a `--vary` axis, a shard): the CLI turns it
 * into exit code 2 before any run starts and before any output file is created.
 */
export class SweepInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SweepInputError";
  }
}
