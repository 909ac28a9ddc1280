/**
 * Finds the cost and token figures an agent prints, without keeping its
 * output: the scanner sees stdout chunk by chunk and holds at most one
 * line (up to {@linkcode MAX_LINE_BYTES}).
 *
 * Recognised lines (JSON objects on one line):
 * - claude `--output-format json`: `{"type":"result", "total_cost_usd": …,
 *   "usage": {"input_tokens", "cache_creation_input_tokens",
 *   "cache_read_input_tokens", "output_tokens"}}` (input tokens are the sum
 *   of the three input counts);
 * - codex `exec --json` events: `{"type":"turn.completed", "usage":
 *   {"input_tokens", "output_tokens"}}`, summed over turns.
 *
 * @module
 */

import type { AgentUsage } from "./agent_runner.ts";

/** Longest line the scanner looks at; longer lines are skipped. */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

const LF = 0x0a;
const OPEN_BRACE = 0x7b;

/**
 * Scans an agent's stdout for usage figures.
 *
 * @example
 * ```ts
 * import { UsageScanner } from "./usage_scanner.ts";
 * import assert from "node:assert/strict";
 * const s = new UsageScanner();
 * s.push(new TextEncoder().encode('{"type":"result","total_cost_usd":0.12,'));
 * s.push(new TextEncoder().encode('"usage":{"input_tokens":10,"output_tokens":5}}\n'));
 * assert.deepEqual(s.finish(), { costUsd: 0.12, inputTokens: 10, outputTokens: 5 });
 * ```
 */
export class UsageScanner {
  #parts: Uint8Array[] = [];
  #size = 0;
  #skipping = false;
  #usage: AgentUsage | undefined;
  #turns: AgentUsage | undefined;

  /**
   * Feeds a chunk of stdout.
   *
   * @param chunk The bytes.
   */
  push(chunk: Uint8Array): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(LF, start);
      if (nl < 0) {
        this.#keep(chunk.subarray(start));
        return;
      }
      this.#keep(chunk.subarray(start, nl));
      this.#endLine();
      start = nl + 1;
    }
  }

  /**
   * Ends the stream and returns what was found.
   *
   * @returns The usage, or `undefined` when the output had none.
   */
  finish(): AgentUsage | undefined {
    this.#endLine();
    return this.#usage ?? this.#turns;
  }

  #keep(bytes: Uint8Array): void {
    if (this.#skipping || bytes.length === 0) return;
    if (this.#size === 0) {
      const first = firstNonSpace(bytes);
      if (first === bytes.length) return; // only blanks so far: undecided
      if (bytes[first] !== OPEN_BRACE) {
        this.#skipping = true;
        return;
      }
    }
    if (this.#size + bytes.length > MAX_LINE_BYTES) {
      this.#skipping = true;
      this.#parts = [];
      this.#size = 0;
      return;
    }
    this.#parts.push(bytes.slice());
    this.#size += bytes.length;
  }

  #endLine(): void {
    const parts = this.#parts;
    const size = this.#size;
    this.#parts = [];
    this.#size = 0;
    const skipped = this.#skipping;
    this.#skipping = false;
    if (skipped || size === 0) return;
    const line = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      line.set(p, at);
      at += p.length;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(new TextDecoder().decode(line));
    } catch {
      return;
    }
    this.#take(doc);
  }

  #take(doc: unknown): void {
    if (typeof doc !== "object" || doc === null) return;
    const d = doc as Record<string, unknown>;
    const usage = typeof d.usage === "object" && d.usage !== null
      ? d.usage as Record<string, unknown>
      : undefined;
    if (d.type === "result" && (typeof d.total_cost_usd === "number" || usage)) {
      const u: AgentUsage = {};
      if (typeof d.total_cost_usd === "number") u.costUsd = d.total_cost_usd;
      if (usage) {
        const input = sum(
          usage.input_tokens,
          usage.cache_creation_input_tokens,
          usage.cache_read_input_tokens,
        );
        if (input !== undefined) u.inputTokens = input;
        const output = sum(usage.output_tokens);
        if (output !== undefined) u.outputTokens = output;
      }
      this.#usage = u;
    } else if (d.type === "turn.completed" && usage) {
      const t = this.#turns ?? {};
      const input = sum(t.inputTokens, usage.input_tokens);
      if (input !== undefined) t.inputTokens = input;
      const output = sum(t.outputTokens, usage.output_tokens);
      if (output !== undefined) t.outputTokens = output;
      this.#turns = t;
    }
  }
}

function firstNonSpace(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0d)) i++;
  return i;
}

/** The sum of the numeric arguments, or `undefined` when none is a number. */
function sum(...values: unknown[]): number | undefined {
  let total: number | undefined;
  for (const v of values) {
    if (typeof v === "number" && Number.isFinite(v)) total = (total ?? 0) + v;
  }
  return total;
}
