/**
 * `tg serve [--port N] [--host H] [--read-only] [--open]`: a live board of
 * the store (and of `pg run`) in the browser. The first line on stdout is
 * the URL to open, with the token made at start; the server runs until
 * SIGINT or SIGTERM, then ends its event streams and stops.
 *
 * @module
 */

import type { Parsed } from "../_args.ts";
import { CliError, EXIT_SYSTEM } from "../_main.ts";
import type { TgContext } from "./_context.ts";
import { makeToken } from "./serve/_security.ts";
import { BoardServer, type BoardServerOptions } from "./serve/board_server.ts";

/** The port `tg serve` listens on without `--port`. */
export const DEFAULT_PORT = 7420;

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);
const WILDCARD = new Set(["0.0.0.0", "::", "[::]"]);

/** Effects `tg serve` takes from outside (tests replace them). */
export interface ServeDeps {
  /** Stops the server as SIGINT would (default: SIGINT and SIGTERM). */
  signal?: AbortSignal;
  /** Told once the server listens. */
  onListening?: (server: BoardServer) => void;
  /** Opens a URL in a browser (default `xdg-open`, `open` on macOS). */
  openUrl?: (url: string) => Promise<void>;
  /** Overrides how the data is kept current. */
  source?: BoardServerOptions["source"];
}

/** Runs `tg serve`. */
export async function serve(
  p: Parsed,
  ctx: TgContext,
  _root?: unknown,
  deps: ServeDeps = {},
): Promise<void> {
  const host = p.value("host") ?? "127.0.0.1";
  const rawPort = p.value("port");
  const port = rawPort === undefined ? DEFAULT_PORT : Number(rawPort);
  if (!Number.isInteger(port) || port > 65535) {
    throw new CliError(
      `invalid value '${rawPort}' for '--port <PORT>': expected a port number 0..65535`,
    );
  }
  if (WILDCARD.has(host)) {
    throw new CliError(
      `Cannot serve on '${host}': the board answers only requests addressed to the host it ` +
        "listens on; give the address others will use (e.g. --host 192.168.1.20)",
    );
  }
  const hostname = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  const store = await ctx.store();
  const readOnly = p.flag("read-only");
  let server: BoardServer;
  try {
    server = await BoardServer.start({
      store,
      hostname,
      port,
      token: makeToken(),
      readOnly,
      warn: ctx.warn,
      ...(deps.source === undefined ? {} : { source: deps.source }),
    });
  } catch (e) {
    throw listenError(e, host, port);
  }
  await ctx.out(server.url + "\n");
  if (!LOOPBACK.has(host)) {
    ctx.warn(
      `Warning: listening on ${host}, not on 127.0.0.1: anyone who can reach this address and ` +
        "has the URL can read the board" + (readOnly ? "" : " and change the store"),
    );
  }
  ctx.warn(
    `Serving ${store.dir}${readOnly ? " (read-only)" : ""}; press Ctrl-C to stop`,
  );
  deps.onListening?.(server);
  if (p.flag("open")) {
    const open = deps.openUrl ?? openInBrowser;
    await open(server.url).catch((e) =>
      ctx.warn(`Warning: could not open a browser (${(e as Error).message}); open the URL above`)
    );
  }
  await stopped(deps.signal);
  await server.close();
  ctx.warn("Stopped");
}

function listenError(e: unknown, host: string, port: number): unknown {
  if (e instanceof Deno.errors.AddrInUse) {
    return new CliError(
      `Cannot listen on ${host}:${port}: the port is in use; choose another with --port N ` +
        "(--port 0 picks a free one)",
    );
  }
  if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
    return new CliError(
      `Cannot listen on ${host}:${port}: no network permission for it (${(e as Error).message})`,
      EXIT_SYSTEM,
    );
  }
  if (e instanceof Deno.errors.AddrNotAvailable || e instanceof TypeError) {
    return new CliError(`Cannot listen on ${host}:${port}: ${(e as Error).message}`);
  }
  return e;
}

/** Resolves on the first SIGINT or SIGTERM (or when `signal` aborts). */
function stopped(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const installed: [Deno.Signal, () => void][] = [];
    const done = () => {
      for (const [sig, fn] of installed) Deno.removeSignalListener(sig, fn);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    if (signal !== undefined) {
      if (signal.aborted) return done();
      signal.addEventListener("abort", done, { once: true });
      return;
    }
    for (const sig of ["SIGINT", "SIGTERM"] as const) {
      try {
        Deno.addSignalListener(sig, done);
        installed.push([sig, done]);
      } catch {
        // not supported here (Windows SIGTERM)
      }
    }
  });
}

async function openInBrowser(url: string): Promise<void> {
  const cmd = Deno.build.os === "darwin" ? "open" : "xdg-open";
  const child = new Deno.Command(cmd, {
    args: [url],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const status = await child.status;
  if (!status.success) throw new Error(`${cmd} exited with ${status.code}`);
}
