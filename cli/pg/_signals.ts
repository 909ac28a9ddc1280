/**
 * SIGINT and SIGTERM for `pg run` and `pg triage` (pg.md §8.11): the
 * handlers only set the shutdown flag (abort the controller); the run
 * stops its agents and halts with `ShutdownRequested`.
 *
 * @module
 */

/**
 * Installs the handlers.
 *
 * @param controller Aborted on the first signal.
 * @param onSignal Told which signal arrived (for a log line).
 * @returns A function that removes the handlers.
 */
export function installShutdownSignals(
  controller: AbortController,
  onSignal: (signal: Deno.Signal) => void,
): () => void {
  const installed: [Deno.Signal, () => void][] = [];
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    const handler = () => {
      onSignal(sig);
      controller.abort();
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
