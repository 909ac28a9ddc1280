/**
 * What the package's distribution is made of, read from the repository:
 * `deno.json` (exports, tasks), the files `deno publish --dry-run` lists, and
 * the install commands of the README's Install section. Shared by the
 * publish and workflow tests.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { REPO_ROOT, run } from "./_helpers.ts";

/** The parts of `deno.json` the distribution depends on. */
export interface DenoConfig {
  /** Package name, e.g. `@golem/golem`. */
  name: string;
  /** Package version. */
  version: string;
  /** Export subpath (`.`, `./tg`) to module path (`./cli/tg.ts`). */
  exports: Record<string, string>;
  /** Task name to command line. */
  tasks: Record<string, string>;
}

/** Reads the repository's `deno.json`. */
export async function denoConfig(): Promise<DenoConfig> {
  return JSON.parse(await Deno.readTextFile(`${REPO_ROOT}/deno.json`));
}

/**
 * The words of a shell command line, as a POSIX shell splits them when the
 * only quoting is single quotes around whole words (the README quotes
 * `'--allow-net=…[::1]'` so that zsh does not glob it).
 */
export function shellWords(line: string): string[] {
  return line.trim().split(/\s+/).map((w) => w.replace(/^'(.*)'$/, "$1"));
}

/** The permission flags among a command's words (`-A`, `--allow-*`), sorted. */
export function permissionFlags(words: readonly string[]): string[] {
  return words.filter((w) => w === "-A" || w.startsWith("--allow-")).sort();
}

/** One program as a task builds or installs it. */
export interface TaskProgram {
  /** Program name (`tg`), from `--name` or the basename of `--output`. */
  name: string;
  /** Entry module as written in the task (`cli/tg.ts`). */
  entry: string;
  /** Its permission flags, sorted. */
  permissions: string[];
  /** All the words of its command. */
  words: string[];
}

/**
 * The programs of a task made of `deno install` or `deno compile` commands
 * joined by `&&`, one per program.
 *
 * @param command The task's command line.
 * @returns One entry per command.
 */
export function taskPrograms(command: string): TaskProgram[] {
  return command.split(" && ").map((part) => {
    const words = part.trim().split(/\s+/);
    const value = (flag: string) => {
      const i = words.indexOf(flag);
      return i < 0 ? undefined : words[i + 1];
    };
    const name = value("--name") ?? value("--output")?.split("/").at(-1);
    if (name === undefined) throw new Error(`No --name or --output in: ${part}`);
    return { name, entry: words.at(-1)!, permissions: permissionFlags(words), words };
  });
}

/** A `deno install` or `deno run` command of the README that names the package on JSR. */
export interface DocCommand {
  /** The README line. */
  line: string;
  /** `install` or `run`. */
  kind: "install" | "run";
  /** Package name in the specifier (`@golem/golem`). */
  pkg: string;
  /** Pinned version, when the specifier has one. */
  version: string | undefined;
  /** Export subpath (`./tg`), `.` for the package itself. */
  subpath: string;
  /** `-n` of an install command. */
  name: string | undefined;
  /** Permission flags, sorted. */
  permissions: string[];
}

const JSR_COMMAND =
  /deno (install|run) ([^"`\n]*?)jsr:(@[\w-]+\/[\w-]+)(?:@([^/\s"`]+))?(\/[\w-]+)?/g;

/** The text of the README's `## Install` section. */
export async function readmeInstallSection(): Promise<string> {
  const readme = await Deno.readTextFile(`${REPO_ROOT}/README.md`);
  const start = readme.indexOf("\n## Install\n");
  if (start < 0) throw new Error("README.md has no ## Install section");
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/**
 * The JSR install and run commands of a README section.
 *
 * @param section Markdown text.
 * @returns The commands, in order.
 */
export function docCommands(section: string): DocCommand[] {
  return [...section.matchAll(JSR_COMMAND)].map((m) => {
    const words = shellWords(m[2]!);
    const n = words.indexOf("-n");
    return {
      line: m[0],
      kind: m[1] as "install" | "run",
      pkg: m[3]!,
      version: m[4],
      subpath: m[5] === undefined ? "." : `.${m[5]}`,
      name: n < 0 ? undefined : words[n + 1],
      permissions: permissionFlags(words),
    };
  });
}

let published: Promise<string[]> | undefined;

/**
 * The files `deno publish --dry-run` would upload, relative to the
 * repository root and sorted (computed once per process).
 */
export function publishedFiles(): Promise<string[]> {
  published ??= (async () => {
    const out = await run(Deno.execPath(), ["publish", "--dry-run", "--allow-dirty"], {
      cwd: REPO_ROOT,
    });
    if (out.code !== 0) throw new Error(`deno publish --dry-run failed:\n${out.stderr}`);
    const files = [...(out.stdout + out.stderr).matchAll(/^\s+(file:\/\/\S+) \(/gm)]
      .map((m) => fileURLToPath(m[1]!))
      .map((path) => {
        if (!path.startsWith(`${REPO_ROOT}/`)) {
          throw new Error(`Published outside the repo: ${path}`);
        }
        return path.slice(REPO_ROOT.length + 1);
      });
    if (files.length === 0) {
      throw new Error(`deno publish --dry-run listed no files:\n${out.stderr}`);
    }
    return files.sort();
  })();
  return published;
}
