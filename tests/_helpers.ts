/**
 * Shared helpers for black-box tests: temp git repos, running the real `tg`
 * CLI (and the upstream Rust binary when present) as subprocesses, or our
 * `tg` in-process through `main`.
 *
 * @module
 */

import { BufferIo } from "../cli/_io.ts";
import { main } from "../cli/tg.ts";
import type { Clock } from "../lib/io/clock.ts";

/** Absolute path of the repository root. */
export const REPO_ROOT: string = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
/** The shared folder (specs, fixtures, reference binary), beside the repository's parent. */
export const SHARED: string = new URL("../../shared", import.meta.url).pathname.replace(/\/$/, "");
/**
 * Real data from the upstream repositories (stores, backlog YAML, configs),
 * vendored from `../shared/fixtures` with its licence and manifest so that
 * a clone tests on its own (`fixtures_manifest_test.ts` checks both copies).
 */
export const FIXTURES: string = `${REPO_ROOT}/tests/fixtures/upstream`;
/** Fixture stores. */
export const FIXTURE_STORES: string = `${FIXTURES}/tg-stores`;
/** The upstream Rust `tg` used as a compatibility peer. */
export const RUST_TG: string = `${SHARED}/reference/tg-rust`;
/** Entry point of our `tg`. */
export const TG_ENTRY: string = `${REPO_ROOT}/cli/tg.ts`;

/** Output of a finished process. */
export interface Output {
  /** Exit code. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** Options for running a CLI. */
export interface RunOptions {
  /** Working directory. */
  cwd: string;
  /** Extra environment. */
  env?: Record<string, string>;
}

const BASE_ENV: Record<string, string> = { NO_COLOR: "1", TG_AUTHOR: "tester", TZ: "UTC" };

/**
 * Runs a program with stdin closed and collects its output. The test
 * environment (`NO_COLOR=1`, `TG_AUTHOR=tester`, `TZ=UTC`) is set unless
 * `options.env` overrides it.
 *
 * @param cmd Program.
 * @param args Arguments.
 * @param options Working directory and extra environment.
 * @returns Exit code and output.
 */
export async function run(cmd: string, args: string[], options: RunOptions): Promise<Output> {
  const out = await new Deno.Command(cmd, {
    args,
    cwd: options.cwd,
    env: { ...BASE_ENV, ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Runs our `tg` (as `deno run`) with the permissions `deno task install` grants. */
export function tg(args: string[], options: RunOptions): Promise<Output> {
  return run(
    Deno.execPath(),
    [
      "run",
      "--quiet",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-run=git",
      TG_ENTRY,
      ...args,
    ],
    options,
  );
}

/** Options for {@linkcode tgInProcess}. */
export interface InProcessOptions extends RunOptions {
  /** The clock the commands read (default: the system clock). */
  clock?: Clock;
}

/**
 * Runs our `tg` in this process through `main(argv, io)`: the same code as
 * {@linkcode tg} without a process start, with the same test environment
 * (and nothing else from this process's environment).
 *
 * @param args Arguments.
 * @param options Working directory, extra environment and clock.
 * @returns Exit code and output.
 */
export async function tgInProcess(args: string[], options: InProcessOptions): Promise<Output> {
  const io = new BufferIo({
    cwd: options.cwd,
    env: { ...BASE_ENV, ...options.env },
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** Runs the upstream Rust `tg`. */
export function rustTg(args: string[], options: RunOptions): Promise<Output> {
  return run(RUST_TG, args, options);
}

let rustOk: Promise<string | null> | undefined;

/** `null` when the Rust binary can run here, else the reason it cannot. */
export function rustUnavailable(): Promise<string | null> {
  rustOk ??= (async () => {
    try {
      const st = await Deno.stat(RUST_TG);
      if (!st.isFile) return `${RUST_TG} is not a file`;
      const dir = await Deno.makeTempDir();
      try {
        const r = await rustTg(["--help"], { cwd: dir });
        return r.code === 0 ? null : `${RUST_TG} --help exited ${r.code}: ${r.stderr.trim()}`;
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    } catch (e) {
      return `${RUST_TG} cannot run: ${(e as Error).message}`;
    }
  })();
  return rustOk;
}

/** A temporary git repository with an identity configured; remove it with `cleanup`. */
export interface TempRepo {
  /** Absolute path. */
  dir: string;
  /** Deletes it. */
  cleanup(): Promise<void>;
}

/**
 * Creates a temp directory with `git init` and a local user identity.
 *
 * @param git Whether to initialize git (default true).
 * @returns The repo.
 */
export async function tempRepo(git = true): Promise<TempRepo> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "golem-test-" }));
  if (git) {
    for (
      const args of [
        ["init", "-q", "-b", "main"],
        ["config", "user.name", "Test User"],
        ["config", "user.email", "test@example.com"],
        ["config", "commit.gpgsign", "false"],
      ]
    ) {
      const r = await run("git", args, { cwd: dir });
      if (r.code !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.stderr}`);
    }
  }
  return { dir, cleanup: () => Deno.remove(dir, { recursive: true }) };
}

/**
 * Copies a fixture store's files into `<dir>/.task-golem/` (after `tg init`
 * has created the lock and `.gitignore`, or creating them).
 *
 * @param fixture Fixture folder name under `tg-stores/`.
 * @param dir Project directory.
 */
export async function copyFixtureStore(fixture: string, dir: string): Promise<void> {
  const target = `${dir}/.task-golem`;
  await Deno.mkdir(target, { recursive: true });
  for await (const e of Deno.readDir(`${FIXTURE_STORES}/${fixture}`)) {
    if (e.name.endsWith(".jsonl") || e.name === "config.yaml") {
      await Deno.copyFile(`${FIXTURE_STORES}/${fixture}/${e.name}`, `${target}/${e.name}`);
    }
  }
  await Deno.writeFile(`${target}/tasks.lock`, new Uint8Array(), { append: true });
}

/** Reads a file as text, or `null` when missing. */
export async function readText(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

/** The IDs of `tg list --json` style output. */
export function ids(json: string): string[] {
  return (JSON.parse(json) as { id: string }[]).map((i) => i.id);
}
