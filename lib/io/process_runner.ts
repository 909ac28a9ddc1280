/**
 * The process effect: run a program, collect its output, with a timeout.
 *
 * @module
 */

/** Options for {@linkcode ProcessRunner.run}. */
export interface RunOptions {
  /** Working directory. */
  cwd?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Kill the process after this many milliseconds. */
  timeoutMs?: number;
  /** Abort the process. */
  signal?: AbortSignal;
  /** Bytes for standard input (default: none, stdin is null). */
  stdin?: Uint8Array;
}

/** What a finished process produced. */
export interface RunResult {
  /** Exit code (`-1` when killed by a signal or the timeout). */
  code: number;
  /** Standard output, decoded as UTF-8. */
  stdout: string;
  /** Standard error, decoded as UTF-8. */
  stderr: string;
  /** Whether the timeout killed it. */
  timedOut: boolean;
}

/** Runs programs. */
export interface ProcessRunner {
  /** Runs `cmd` with `args` and waits for it. Rejects when it cannot be started. */
  run(cmd: string, args: string[], options?: RunOptions): Promise<RunResult>;
}

/**
 * Runs real processes with `Deno.Command`.
 *
 * @example Run a short process, with input and a timeout
 * ```ts
 * import { DenoProcessRunner } from "@golem/golem";
 * import assert from "node:assert/strict";
 *
 * const runner = new DenoProcessRunner();
 * const r = await runner.run("git", ["--version"]);
 * assert.equal(r.code, 0);
 * assert.match(r.stdout, /^git version /);
 *
 * const upper = await runner.run("tr", ["a-z", "A-Z"], { stdin: new TextEncoder().encode("hi") });
 * assert.equal(upper.stdout, "HI");
 *
 * const slow = await runner.run("sleep", ["10"], { timeoutMs: 50 });
 * assert.deepEqual([slow.code, slow.timedOut], [-1, true]);
 * ```
 */
export class DenoProcessRunner implements ProcessRunner {
  /** Runs and waits. */
  async run(cmd: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
    const command = new Deno.Command(cmd, {
      args,
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      ...(options.env === undefined ? {} : { env: options.env }),
      stdin: options.stdin ? "piped" : "null",
      stdout: "piped",
      stderr: "piped",
    });
    if (!options.stdin && options.signal === undefined && options.timeoutMs === undefined) {
      // Nothing to feed or kill: `output()` without `spawn()`. (A spawned
      // child's piped streams are freed late; pg runs git thousands of times
      // in a long run, and that added about 0.1 MB per call.)
      const out = await command.output();
      const dec = new TextDecoder();
      return {
        code: out.signal !== null ? -1 : out.code,
        stdout: dec.decode(out.stdout),
        stderr: dec.decode(out.stderr),
        timedOut: false,
      };
    }
    const child = command.spawn();
    let timedOut = false;
    const kill = () => {
      try {
        child.kill("SIGKILL");
      } catch {
        // already exited
      }
    };
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      kill();
    }, options.timeoutMs);
    options.signal?.addEventListener("abort", kill, { once: true });
    try {
      if (options.stdin) {
        const w = child.stdin.getWriter();
        await w.write(options.stdin).catch(() => {});
        await w.close().catch(() => {});
      }
      const out = await child.output();
      const dec = new TextDecoder();
      return {
        code: out.signal !== null ? -1 : out.code,
        stdout: dec.decode(out.stdout),
        stderr: dec.decode(out.stderr),
        timedOut,
      };
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      options.signal?.removeEventListener("abort", kill);
    }
  }
}

/** A scripted reply for {@linkcode FakeProcessRunner}. */
export type FakeReply =
  | Partial<RunResult>
  | ((cmd: string, args: string[], options: RunOptions) => Partial<RunResult>);

/**
 * A process runner for tests: records every call and answers from a script.
 *
 * @example
 * ```ts
 * import { FakeProcessRunner } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const runner = new FakeProcessRunner([{ stdout: "me@example.com\n" }]);
 * const r = await runner.run("git", ["config", "user.email"]);
 * assert.equal(r.stdout, "me@example.com\n");
 * assert.deepEqual(runner.calls[0]?.args, ["config", "user.email"]);
 * ```
 */
export class FakeProcessRunner implements ProcessRunner {
  /** Every call made, in order. */
  readonly calls: { cmd: string; args: string[]; options: RunOptions }[] = [];
  readonly #replies: FakeReply[];
  readonly #fallback: FakeReply;

  /**
   * Creates a fake runner with scripted answers.
   *
   * @param replies Answers for successive calls.
   * @param fallback Answer once the list is used up (default: exit 0, no output).
   */
  constructor(replies: FakeReply[] = [], fallback: FakeReply = {}) {
    this.#replies = [...replies];
    this.#fallback = fallback;
  }

  /** Records the call and returns the next scripted answer. */
  run(cmd: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
    this.calls.push({ cmd, args, options });
    const reply = this.#replies.shift() ?? this.#fallback;
    const r = typeof reply === "function" ? reply(cmd, args, options) : reply;
    return Promise.resolve({ code: 0, stdout: "", stderr: "", timedOut: false, ...r });
  }
}
