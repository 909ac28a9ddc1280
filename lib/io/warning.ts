/**
 * Where non-fatal problems go: a line that was skipped, a field that was
 * ignored. Every layer (store, adapter, orchestrator) reports them through
 * this one type, and the caller decides whether to print, collect or drop them.
 *
 * @module
 */

/** Receives warnings (lines that were skipped). */
export type WarningSink = (message: string) => void;
