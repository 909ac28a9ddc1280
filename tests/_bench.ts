/**
 * Whole-process timing helpers shared by the CLI benchmarks.
 *
 * @module
 */

/** Options for {@linkcode timeProcess} and {@linkcode measureProcess}. */
export interface TimeOptions {
  /** Fail when the process exits non-zero (default true). */
  mustSucceed?: boolean;
}

/**
 * Wall time of one run of a program (stdout discarded, stdin closed).
 *
 * @param cmd Program.
 * @param argv Arguments.
 * @param cwd Working directory.
 * @param options Whether a failure is an error.
 * @returns Milliseconds.
 */
export async function timeProcess(
  cmd: string,
  argv: string[],
  cwd: string,
  options: TimeOptions = {},
): Promise<number> {
  const t0 = performance.now();
  const out = await new Deno.Command(cmd, {
    args: argv,
    cwd,
    env: { NO_COLOR: "1", TG_AUTHOR: "bench" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  const ms = performance.now() - t0;
  if ((options.mustSucceed ?? true) && !out.success) {
    throw new Error(`${cmd} ${argv.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return ms;
}

/**
 * The median of some numbers.
 *
 * @param xs Numbers (not empty).
 * @returns The median.
 */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Options for {@linkcode measureProcess}. */
export interface MeasureOptions extends TimeOptions {
  /** Timed runs after one warm-up run. */
  runs: number;
  /** Runs before each run (untimed), e.g. to reset a cache. */
  before?: () => Promise<void>;
}

/**
 * Median wall time of `runs` runs after one warm-up; `argvFor(i)` may vary
 * per run (`-1` for the warm-up).
 *
 * @param cmd Program.
 * @param argvFor Arguments of run `i`.
 * @param cwd Working directory.
 * @param options Runs, preparation and failure handling.
 * @returns Milliseconds.
 */
export async function measureProcess(
  cmd: string,
  argvFor: (i: number) => string[],
  cwd: string,
  options: MeasureOptions,
): Promise<number> {
  await options.before?.();
  await timeProcess(cmd, argvFor(-1), cwd, options);
  const times: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    await options.before?.();
    times.push(await timeProcess(cmd, argvFor(i), cwd, options));
  }
  return median(times);
}
