// deno-lint-ignore-file no-console
/**
 * Headless Chromium for the board's browser tests, screenshots and
 * benchmarks: Debian's `chromium` (`/usr/bin/chromium`, which `.ci/run`
 * installs when it is missing) driven by `puppeteer-core`, with a fresh
 * profile and no network of its own. And `tg serve` started as a
 * subprocess on a free port, its URL taken from its first stdout line.
 *
 * A missing Chromium fails the tests, unless `TG_SERVE_SKIP_BROWSER=1` says
 * to skip them (then each says why).
 *
 * @module
 */

import puppeteer, { type Browser } from "puppeteer-core";
import { TG_ENTRY } from "./_helpers.ts";

/** Where Debian installs Chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/** Why browser tests cannot run here, or `null` when they can (or must). */
export function browserSkipReason(): string | null {
  let present = true;
  try {
    Deno.statSync(CHROMIUM);
  } catch {
    present = false;
  }
  if (present) return null;
  if (Deno.env.get("TG_SERVE_SKIP_BROWSER") === "1") {
    return `${CHROMIUM} is missing and TG_SERVE_SKIP_BROWSER=1 (apt-get install -y chromium)`;
  }
  return null; // the launch fails and says so
}

/**
 * Registers a test that needs Chromium: skipped with its reason when
 * {@linkcode browserSkipReason} gives one.
 *
 * @param name Test name.
 * @param fn The test.
 */
export function browserTest(name: string, fn: () => Promise<void>): void {
  const skip = browserSkipReason();
  if (skip !== null) console.log(`skipping "${name}": ${skip}`);
  Deno.test({ name, ignore: skip !== null, fn, sanitizeResources: false, sanitizeOps: false });
}

/** A launched browser and its profile directory; `close()` removes both. */
export interface LaunchedBrowser {
  /** The browser. */
  browser: Browser;
  /** Closes it and deletes its profile. */
  close(): Promise<void>;
}

/**
 * Launches headless Chromium with a fresh profile.
 *
 * @returns The browser.
 */
export async function launchBrowser(): Promise<LaunchedBrowser> {
  const profile = await Deno.makeTempDir({ prefix: "tg-serve-chromium-" });
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        `--user-data-dir=${profile}`,
      ],
    });
  } catch (e) {
    await Deno.remove(profile, { recursive: true }).catch(() => {});
    throw new Error(
      `Cannot start ${CHROMIUM} (install it with apt-get install -y chromium): ${
        (e as Error).message
      }`,
    );
  }
  return {
    browser,
    async close() {
      await browser.close().catch(() => {});
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}

/** A running `tg serve`. */
export interface ServeProcess {
  /** The URL it printed (with the token). */
  url: string;
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  /** The token. */
  token: string;
  /** The port. */
  port: number;
  /** The process. */
  child: Deno.ChildProcess;
  /** What it wrote to stderr so far. */
  stderr(): string;
  /** Sends SIGTERM and waits; returns the exit code. */
  stop(signal?: Deno.Signal): Promise<number>;
}

/**
 * Starts `tg serve --port 0` in `dir`.
 *
 * @param dir The project directory.
 * @param args More arguments (`--read-only`).
 * @param env More environment.
 * @param tg The `tg` to run (default: `cli/tg.ts` from this checkout).
 * @returns The running server, once it printed its URL.
 */
export async function startServe(
  dir: string,
  args: string[] = [],
  env: Record<string, string> = {},
  tg: { cmd: string; args: string[] } = {
    cmd: Deno.execPath(),
    args: [
      "run",
      "--quiet",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-run=git",
      "--allow-net=127.0.0.1",
      TG_ENTRY,
    ],
  },
): Promise<ServeProcess> {
  const child = new Deno.Command(tg.cmd, {
    args: [...tg.args, "serve", "--port", "0", ...args],
    cwd: dir,
    env: { NO_COLOR: "1", TG_AUTHOR: "board", TZ: "UTC", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let err = "";
  const dec = new TextDecoder();
  (async () => {
    for await (const chunk of child.stderr) err += dec.decode(chunk, { stream: true });
  })();
  const reader = child.stdout.getReader();
  let out = "";
  const deadline = Date.now() + 30_000;
  while (!out.includes("\n")) {
    const timer = new Promise<{ done: true; value: undefined }>((r) =>
      setTimeout(() => r({ done: true, value: undefined }), Math.max(0, deadline - Date.now()))
    );
    const { done, value } = await Promise.race([reader.read(), timer]);
    if (done) break;
    out += dec.decode(value, { stream: true });
  }
  reader.releaseLock();
  const url = out.split("\n")[0]!;
  const m = /^http:\/\/127\.0\.0\.1:(\d+)\/\?token=([\w-]+)$/.exec(url);
  if (m === null) {
    try {
      child.kill("SIGKILL");
    } catch {
      // gone
    }
    await child.status;
    throw new Error(`tg serve did not print its URL: ${JSON.stringify(out)}; stderr: ${err}`);
  }
  // Keep draining stdout so the process never blocks on it.
  (async () => {
    for await (const _ of child.stdout) { /* nothing more is expected */ }
  })().catch(() => {});
  const port = Number(m[1]);
  return {
    url,
    origin: `http://127.0.0.1:${port}`,
    token: m[2]!,
    port,
    child,
    stderr: () => err,
    async stop(signal: Deno.Signal = "SIGTERM") {
      try {
        child.kill(signal);
      } catch {
        // already gone
      }
      return (await child.status).code;
    },
  };
}

/**
 * Waits until `check` returns true (polling) or throws after `ms`.
 *
 * @param check The condition.
 * @param ms The timeout.
 * @param what What is awaited (for the error).
 */
export async function until(
  check: () => Promise<boolean> | boolean,
  ms = 10_000,
  what = "condition",
): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}
