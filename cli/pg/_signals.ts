/**
 * SIGINT and SIGTERM for `pg run` and `pg triage` (pg.md §8.11): the first
 * signal only sets the shutdown flag (aborts the controller), and the run
 * stops its agents, commits and halts with `ShutdownRequested`; the second
 * says that a third one forces the exit; the third stops the agents at
 * once and exits without committing (the next run recovers the task state).
 *
 * @module
 */

/** What the handlers report and do. */
export interface ShutdownSignalHandlers {
  /**
   * A signal arrived.
   *
   * @param signal Which one.
   * @param count How many SIGINT/SIGTERM signals arrived so far (1, 2, 3, …).
   */
  onSignal(signal: Deno.Signal, count: number): void;
  /**
   * The third signal: stop the agents and exit (called once).
   *
   * @param signal The signal that forced it.
   */
  onForce?(signal: Deno.Signal): void;
}

/** How many signals force the exit. */
export const FORCE_AFTER = 3;

/**
 * Installs the handlers.
 *
 * @param controller Aborted on the first signal.
 * @param handlers Told about each signal; the third forces the exit.
 * @returns A function that removes the handlers.
 */
export function installShutdownSignals(
  controller: AbortController,
  handlers: ShutdownSignalHandlers,
): () => void {
  const installed: [Deno.Signal, () => void][] = [];
  let count = 0;
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    const handler = () => {
      count++;
      handlers.onSignal(sig, count);
      controller.abort();
      if (count === FORCE_AFTER) handlers.onForce?.(sig);
    };
    try {
      Deno.addSignalListener(sig, handler);
      installed.push([sig, handler]);
    } catch {
      // Signals not supported here (e.g. Windows SIGTERM): nothing to install.
    }
  }
  return () => {
    for (const [sig, handler] of installed) Deno.removeSignalListener(sig, handler);
  };
}

/**
 * The line for the n-th signal.
 *
 * @param signal The signal.
 * @param count How many arrived so far.
 * @returns The message.
 */
export function signalMessage(signal: Deno.Signal, count: number): string {
  if (count === 1) return `Received ${signal}; shutting down gracefully`;
  if (count === FORCE_AFTER - 1) {
    return `Received ${signal} again; one more stops the agents at once and exits ` +
      "without committing (the next run recovers the task state)";
  }
  return count === FORCE_AFTER
    ? `Received ${signal} a third time; stopping the agents and exiting`
    : `Received ${signal}`;
}
