/**
 * The command table flattened into what every shell's completion script
 * needs: for each command path, its subcommands, flags (and which take a
 * value), and what each value or positional argument completes to.
 *
 * @module
 */

import type { ArgSpec, CommandSpec, OptSpec } from "../_args.ts";

/** What a value completes to. */
export type Values =
  | { kind: "none" }
  | { kind: "words"; words: string[] }
  | { kind: "ids" };

/** One flag of a command. */
export interface FlagEntry {
  /** Spellings, e.g. `["-h", "--help"]`. */
  names: string[];
  /** Long name without dashes. */
  long: string;
  /** One-line help. */
  help: string;
  /** Whether the flag takes a value. */
  takesValue: boolean;
  /** What the value completes to. */
  values: Values;
}

/** One command (the root has the path `""`). */
export interface CommandEntry {
  /** Space-separated subcommand chain. */
  path: string;
  /** One-line description. */
  about: string;
  /** Direct subcommands. */
  subcommands: { name: string; about: string }[];
  /** Flags, globals and `--help` included. */
  flags: FlagEntry[];
  /** What each positional argument completes to. */
  args: Values[];
}

/** Positional arguments that name items. */
const ID_ARGS = new Set(["id", "depends_on", "dep_id"]);
/** Options whose value is an item ID. */
const ID_OPTS = new Set(["parent", "dep", "add-dep", "rm-dep"]);
const STATUS_WORDS = ["todo", "doing", "done", "blocked"];

function argValues(a: ArgSpec): Values {
  if (a.choices) return { kind: "words", words: a.choices };
  return ID_ARGS.has(a.name) ? { kind: "ids" } : { kind: "none" };
}

function flag(o: OptSpec): FlagEntry {
  let values: Values = { kind: "none" };
  if (o.choices) values = { kind: "words", words: o.choices };
  else if (ID_OPTS.has(o.long)) values = { kind: "ids" };
  else if (o.long === "status") values = { kind: "words", words: STATUS_WORDS };
  return {
    names: [...(o.short ? [`-${o.short}`] : []), `--${o.long}`],
    long: o.long,
    help: o.help,
    takesValue: o.value !== undefined,
    values,
  };
}

const HELP: OptSpec = { long: "help", short: "h", help: "Print help" };

/**
 * Flattens a command table.
 *
 * @param root The program's command table.
 * @returns Every command, root first, depth-first in table order.
 */
export function completionModel(root: CommandSpec): CommandEntry[] {
  const globals = (root.options ?? []).filter((o) => o.global);
  const out: CommandEntry[] = [];
  const walk = (cmd: CommandSpec, path: string[]): void => {
    const own = (cmd.options ?? []).filter((o) => !o.hidden);
    const opts = path.length === 0 ? own : [...own, ...globals.filter((g) => !own.includes(g))];
    const subs = (cmd.subcommands ?? []).map((s) => ({ name: s.name, about: s.about }));
    if (path.length === 0) {
      subs.push({
        name: "help",
        about: "Print this message or the help of the given subcommand(s)",
      });
    }
    out.push({
      path: path.join(" "),
      about: cmd.about,
      subcommands: subs,
      flags: [...opts, HELP].map(flag),
      args: (cmd.args ?? []).map(argValues),
    });
    for (const s of cmd.subcommands ?? []) walk(s, [...path, s.name]);
  };
  walk(root, []);
  return out;
}

/**
 * Quotes a string for POSIX shells (single quotes).
 *
 * @param s The string.
 * @returns The quoted form.
 */
export function shQuote(s: string): string {
  return "'" + s.replaceAll("'", "'\\''") + "'";
}

/** How one shell writes the entries of the lookup tables. */
export interface TableRenderer {
  /** The code that yields a command's subcommands. */
  subcommands(c: CommandEntry): string;
  /** The code that yields a command's flags. */
  flags(c: CommandEntry): string;
  /** The code that says "this flag takes a value". */
  takesValue: string;
  /** The code that yields a value's candidates, or `null` when there are none. */
  values(v: Values): string | null;
}

/** The lookup tables a completion script is made of: key → shell code. */
export interface CompletionTables {
  /** Command path → its subcommands (only commands that have some). */
  subs: [string, string][];
  /** Command path → its flags. */
  flags: [string, string][];
  /** `path|flag` → "takes a value", for flags that do. */
  takes: [string, string][];
  /** `path|flag` → the flag value's candidates. */
  optValues: [string, string][];
  /** `path|index` → the positional argument's candidates. */
  argValues: [string, string][];
}

/**
 * Builds the lookup tables of a completion script with one shell's renderer.
 *
 * @param model The flattened command table.
 * @param r How the shell writes each entry.
 * @returns The tables.
 */
export function completionTables(
  model: readonly CommandEntry[],
  r: TableRenderer,
): CompletionTables {
  const t: CompletionTables = { subs: [], flags: [], takes: [], optValues: [], argValues: [] };
  for (const c of model) {
    if (c.subcommands.length > 0) t.subs.push([c.path, r.subcommands(c)]);
    t.flags.push([c.path, r.flags(c)]);
    for (const f of c.flags) {
      if (!f.takesValue) continue;
      for (const n of f.names) {
        t.takes.push([`${c.path}|${n}`, r.takesValue]);
        const v = r.values(f.values);
        if (v !== null) t.optValues.push([`${c.path}|${n}`, v]);
      }
    }
    c.args.forEach((a, i) => {
      const v = r.values(a);
      if (v !== null) t.argValues.push([`${c.path}|${i}`, v]);
    });
  }
  return t;
}
