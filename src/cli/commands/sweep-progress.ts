/**
 * The sweep's progress bar with ETA (cli-progress), on stderr and only when both stdout and stderr
 * are terminals: piped or redirected output never gets bar frames mixed into it.
 */
import cliProgress from "cli-progress";

/** Something that hears about each finished run. */
export interface Progress {
  update(done: number, failing: number): void;
  stop(): void;
}

/** A bar when on a terminal, else nothing. */
export function createProgress(total: number, alreadyDone: number, enabled: boolean): Progress {
  if (!enabled || total === 0) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      format: "sweep [{bar}] {percentage}% | {value}/{total} runs | {failing} failing | ETA {eta_formatted}",
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 200,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, alreadyDone, { failing: 0 });
  return {
    update: (done, failing) => bar.update(done, { failing }),
    stop: () => bar.stop(),
  };
}

/** Whether a bar may be shown. */
export function progressWanted(): boolean {
  return process.stdout.isTTY === true && process.stderr.isTTY === true;
}
