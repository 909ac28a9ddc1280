/**
 * What `pg run --sync` takes from the machine it runs on: the default
 * worker name (host name and PID) and the merge driver command to define in
 * a clone that has none.
 *
 * @module
 */

import { shellQuote } from "../../lib/orchestrator/repo/merge_driver_setup.ts";
import { MERGE_DRIVER_COMMAND } from "../../lib/store/gitattributes.ts";

/**
 * This machine's host name, read without the `--allow-sys` permission pg
 * is not installed with: `HOSTNAME`, else the kernel's (`/proc`), else
 * `/etc/hostname`.
 *
 * @param env Reads an environment variable.
 * @returns The host name, or `null` when none is found.
 */
export async function hostName(env: (name: string) => string | undefined): Promise<string | null> {
  const fromEnv = env("HOSTNAME")?.trim();
  if (fromEnv) return fromEnv;
  for (const path of ["/proc/sys/kernel/hostname", "/etc/hostname"]) {
    try {
      const name = (await Deno.readTextFile(path)).trim();
      if (name !== "") return name;
    } catch {
      // not there, or not readable
    }
  }
  return null;
}

/**
 * The default worker name: `{host}-{pid}` (`pg-{pid}` without a host name),
 * with anything but letters, digits and `._-` replaced by `-`.
 *
 * @param env Reads an environment variable.
 * @param pid This process's ID.
 * @returns The name.
 */
export async function defaultWorkerName(
  env: (name: string) => string | undefined,
  pid: number,
): Promise<string> {
  const host = (await hostName(env))?.replace(/[^A-Za-z0-9._-]+/g, "-").slice(0, 60) || "pg";
  return `${host}-${pid}`;
}

/**
 * The merge driver command pg defines in a clone that has none: this
 * `tg`'s `merge-driver`, run by the Deno that runs pg (absolute paths, so
 * neither `tg` on `PATH` nor the working directory matters), with the
 * permissions `deno task install` gives `tg`. A compiled `pg`, which has no
 * `tg.ts` beside it to run, defines `tg merge-driver %O %A %B %P` (`tg` on
 * `PATH`).
 *
 * @param execPath `Deno.execPath()`.
 * @param tgModule The URL of `cli/tg.ts` beside this pg.
 * @returns The command (git substitutes `%O %A %B %P`).
 */
export function mergeDriverCommand(
  execPath: string = Deno.execPath(),
  tgModule: URL = new URL("../tg.ts", import.meta.url),
): string {
  const exe = execPath.slice(execPath.lastIndexOf("/") + 1);
  if (!/^deno(\.exe)?$/.test(exe)) return MERGE_DRIVER_COMMAND;
  const config = new URL("../deno.json", tgModule);
  const parts = [
    shellQuote(execPath),
    "run --quiet --allow-read --allow-write --allow-env --allow-run=git",
  ];
  if (tgModule.protocol === "file:") {
    if (exists(config.pathname)) parts.push(`--config ${shellQuote(config.pathname)}`);
    parts.push(shellQuote(tgModule.pathname));
  } else {
    parts.push(shellQuote(tgModule.href));
  }
  parts.push("merge-driver %O %A %B %P");
  return parts.join(" ");
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
