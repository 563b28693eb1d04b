/**
 * A daemon's main loop: one step, then a pause of the poll interval; after a failed step the pause
 * grows (exponential backoff with jitter, up to ten poll intervals) and the failure is logged with
 * its message, never thrown: the daemon keeps running and tries again. The signal ends the loop
 * between steps (a step in progress finishes first).
 *
 * @example
 * await runLoop(() => guardian.step(), { pollIntervalMs, signal, logger, what: "guardian step" });
 */
import type { Logger } from "./log.js";
import { backoffDelay, errorMessage, sleep } from "./retry.js";

export interface LoopOptions {
  pollIntervalMs: number;
  signal: AbortSignal;
  logger: Logger;
  /** Names the step in the failure log. */
  what: string;
}

export async function runLoop(step: () => Promise<unknown>, options: LoopOptions): Promise<void> {
  let failures = 0;
  while (!options.signal.aborted) {
    try {
      await step();
      failures = 0;
    } catch (error) {
      if (options.signal.aborted) break;
      failures += 1;
      options.logger.error(`${options.what} failed`, {
        error: errorMessage(error),
        failures,
      });
    }
    const delay =
      failures === 0
        ? options.pollIntervalMs
        : backoffDelay(failures, options.pollIntervalMs, options.pollIntervalMs * 10);
    await sleep(delay, options.signal).catch(() => undefined);
  }
}
