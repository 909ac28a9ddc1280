/**
 * A small declarative argument parser with clap-style help and errors.
 * Commander costs ~20 ms of start-up; this costs nothing measurable, and
 * `tg` runs many times per agent session.
 *
 * @module
 */

/** An option (`--name`, `--name VALUE`, repeatable or not). */
export interface OptSpec {
  /** Long name without dashes. */
  long: string;
  /** One-letter short name. */
  short?: string;
  /** Value placeholder (e.g. `PRIORITY`); absent for boolean flags. */
  value?: string;
  /** May be given several times (values collect into an array). */
  multiple?: boolean;
  /** One-line help. */
  help: string;
  /** Shown as `[default: …]`. */
  defaultText?: string;
  /** Accepted before or after the subcommand. */
  global?: boolean;
  /** Options that cannot be combined with this one. */
  conflicts?: string[];
  /** Value must be a signed 64-bit / unsigned integer. */
  kind?: "i64" | "u64";
  /** Allowed values. */
  choices?: string[];
  /** Left out of help. */
  hidden?: boolean;
}

/** A positional argument. */
export interface ArgSpec {
  /** Name (shown as `<NAME>`). */
  name: string;
  /** Must be given. */
  required: boolean;
  /** One-line help. */
  help: string;
  /** Allowed values. */
  choices?: string[];
}

/** A command or subcommand. */
export interface CommandSpec {
  /** Name as typed. */
  name: string;
  /** One-line description. */
  about: string;
  /** Positional arguments in order. */
  args?: ArgSpec[];
  /** Options. */
  options?: OptSpec[];
  /** Subcommands (then positional args are not allowed). */
  subcommands?: CommandSpec[];
  /** Extra text after the options in help. */
  footer?: string;
}

/** An option value as parsed: a flag, a value, or the values of a repeatable option. */
type OptValue = true | string | string[];

/**
 * The result of a successful parse. Options are read by kind: `flag()` for
 * a switch, `value()` for an option with one value, `values()` for a
 * repeatable one. Asking for an option the command does not have, or for
 * the wrong kind, is a programming error (`TypeError`), so a misspelt
 * option name fails the first test that runs the command.
 */
export class Parsed {
  /** Subcommand chain, e.g. `["dep", "add"]`. */
  readonly path: readonly string[];
  /** Positional values by name. */
  readonly args: Readonly<Record<string, string | undefined>>;
  readonly #values: ReadonlyMap<string, OptValue>;
  readonly #specs: ReadonlyMap<string, OptSpec>;

  /**
   * @param path Subcommand chain.
   * @param args Positional values.
   * @param values Option values by long name.
   * @param specs The options the command accepts (its own and the globals).
   */
  constructor(
    path: readonly string[],
    args: Record<string, string | undefined>,
    values: ReadonlyMap<string, OptValue>,
    specs: readonly OptSpec[],
  ) {
    this.path = path;
    this.args = args;
    this.#values = values;
    this.#specs = new Map(specs.map((o) => [o.long, o]));
  }

  #spec(long: string, kind: "flag" | "value" | "values"): OptSpec {
    const o = this.#specs.get(long);
    const actual = o === undefined
      ? null
      : o.value === undefined
      ? "flag"
      : o.multiple
      ? "values"
      : "value";
    if (actual !== kind) {
      throw new TypeError(
        `'${this.path.join(" ")}' has no ${kind} option --${long}` +
          (actual === null ? "" : ` (it is a ${actual} option)`),
      );
    }
    return o!;
  }

  /**
   * Whether a switch was given.
   *
   * @param long The option's long name.
   * @returns `true` when given.
   */
  flag(long: string): boolean {
    this.#spec(long, "flag");
    return this.#values.get(long) === true;
  }

  /**
   * The value of an option that takes one.
   *
   * @param long The option's long name.
   * @returns The value, or `undefined` when not given.
   */
  value(long: string): string | undefined {
    this.#spec(long, "value");
    const v = this.#values.get(long);
    return typeof v === "string" ? v : undefined;
  }

  /**
   * The values of a repeatable option, in command-line order.
   *
   * @param long The option's long name.
   * @returns The values (empty when not given).
   */
  values(long: string): string[] {
    this.#spec(long, "values");
    const v = this.#values.get(long);
    return Array.isArray(v) ? [...v] : [];
  }
}

/** A command-line usage error. `message` is the short reason. */
export class UsageError extends Error {
  /** The `Usage:` line of the command concerned. */
  readonly usage: string;
  /** Optional tip line. */
  readonly tip: string | undefined;
  /** Command path, for `--help` hints. */
  readonly commandPath: string;
  /** Full help to show instead of the short error (a missing subcommand). */
  readonly help: string | undefined;

  /**
   * @param message Reason.
   * @param usage Usage line.
   * @param commandPath e.g. `tg add`.
   * @param tip Extra advice.
   * @param help Full help text to show instead.
   */
  constructor(message: string, usage: string, commandPath: string, tip?: string, help?: string) {
    super(message);
    this.name = "UsageError";
    this.usage = usage;
    this.tip = tip;
    this.commandPath = commandPath;
    this.help = help;
  }

  /** The clap-style multi-line text. */
  render(): string {
    let out = `error: ${this.message}\n\n`;
    if (this.tip) out += `  tip: ${this.tip}\n\n`;
    if (this.usage) out += `Usage: ${this.usage}\n\n`;
    return out + `For more information, try '--help'.\n`;
  }
}

/** Help was asked for; `text` is what to print on stdout. */
export class HelpRequested extends Error {
  /** The help text. */
  readonly text: string;
  /** @param text The help text. */
  constructor(text: string) {
    super("help requested");
    this.name = "HelpRequested";
    this.text = text;
  }
}

const HELP_OPT: OptSpec = { long: "help", short: "h", help: "Print help" };

function optLabel(o: OptSpec): string {
  return o.value ? `--${o.long} <${o.value}>` : `--${o.long}`;
}

/**
 * Parses `argv` against a root command.
 *
 * @param root The program's command table.
 * @param argv Arguments after the program name.
 * @param programName Name shown in help and usage.
 * @returns The parse.
 * @throws {UsageError} On bad input.
 * @throws {HelpRequested} For `-h`, `--help` or `help [cmd]`.
 */
export function parseArgs(root: CommandSpec, argv: readonly string[], programName: string): Parsed {
  const globals = (root.options ?? []).filter((o) => o.global);
  const path: string[] = [];
  let cmd = root;
  const args: Record<string, string | undefined> = {};
  const opts = new Map<string, OptValue>();
  const positionals: string[] = [];
  let onlyPositional = false;

  const usageOf = (c: CommandSpec): string => usageLine(programName, path, c, globals);
  const fail = (msg: string, tip?: string): never => {
    throw new UsageError(msg, usageOf(cmd), [programName, ...path].join(" "), tip);
  };
  const findOpt = (name: string, short: boolean): OptSpec | undefined => {
    const pool = [...(cmd.options ?? []), ...(cmd === root ? [] : globals), HELP_OPT];
    return pool.find((o) => (short ? o.short === name : o.long === name));
  };
  const setOpt = (o: OptSpec, value: string | true): void => {
    if (o === HELP_OPT) throw new HelpRequested(helpText(programName, path, cmd, globals));
    if (value !== true) {
      if (o.kind) checkInteger(o, value, fail);
      if (o.choices && !o.choices.includes(value)) {
        fail(
          `invalid value '${value}' for '${optLabel(o)}'`,
          `possible values: ${o.choices.join(", ")}`,
        );
      }
    }
    const prev = opts.get(o.long);
    if (o.multiple && value !== true) {
      opts.set(o.long, [...((prev as string[] | undefined) ?? []), value]);
    } else if (prev !== undefined && !o.global) {
      fail(`the argument '${optLabel(o)}' cannot be used multiple times`);
    } else {
      opts.set(o.long, value);
    }
  };

  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!onlyPositional && a === "--") {
      onlyPositional = true;
      continue;
    }
    if (!onlyPositional && a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const o = findOpt(name, false);
      if (!o) {
        const similar = closest(name, [...(cmd.options ?? []), ...globals].map((x) => x.long));
        fail(
          `unexpected argument '${a}' found`,
          similar
            ? `a similar argument exists: '--${similar}'`
            : `to pass '${a}' as a value, use '-- ${a}'`,
        );
        continue;
      }
      if (o.value) {
        let v: string | undefined;
        if (eq >= 0) v = a.slice(eq + 1);
        else {
          v = argv[i + 1];
          // A negative number is a value for a numeric option (`--priority -5`).
          const negative = o.kind !== undefined && v !== undefined && /^-[0-9]+$/.test(v);
          if (v === undefined || (v.startsWith("-") && v !== "-" && !negative)) {
            fail(
              `a value is required for '${optLabel(o)}' but none was supplied`,
              v === undefined || v === "--"
                ? undefined
                : `to pass '${v}' as the value, write '--${o.long}=${v}'`,
            );
          }
          i++;
        }
        setOpt(o, v!);
      } else {
        if (eq >= 0) {
          fail(
            `unexpected value '${a.slice(eq + 1)}' for '${
              optLabel(o)
            }' found; no more were expected`,
          );
        }
        setOpt(o, true);
      }
      continue;
    }
    if (!onlyPositional && a.startsWith("-") && a.length > 1) {
      const o = findOpt(a.slice(1, 2), true);
      if (!o || a.length > 2) {
        fail(`unexpected argument '${a}' found`, `to pass '${a}' as a value, use '-- ${a}'`);
      }
      setOpt(o!, true);
      continue;
    }
    if (cmd.subcommands && positionals.length === 0) {
      if (a === "help" && cmd === root) {
        const target = argv.slice(i + 1).filter((x) => !x.startsWith("-"));
        let c = root;
        const p: string[] = [];
        for (const name of target) {
          const sub = c.subcommands?.find((s) => s.name === name);
          if (!sub) {
            if (!c.subcommands) break;
            throw new UsageError(
              `unrecognized subcommand '${name}'`,
              usageLine(programName, p, c, globals),
              [programName, ...p].join(" "),
            );
          }
          c = sub;
          p.push(name);
        }
        throw new HelpRequested(helpText(programName, p, c, globals));
      }
      const sub = cmd.subcommands.find((s) => s.name === a);
      if (!sub) {
        const near = closest(a, [
          ...cmd.subcommands.map((c) => c.name),
          ...(cmd === root ? ["help"] : []),
        ]);
        fail(
          `unrecognized subcommand '${a}'`,
          near ? `a similar subcommand exists: '${near}'` : undefined,
        );
      }
      cmd = sub!;
      path.push(a);
      continue;
    }
    positionals.push(a);
  }

  if (cmd.subcommands) {
    throw new UsageError(
      "a subcommand is required",
      usageOf(cmd),
      [programName, ...path].join(" "),
      undefined,
      helpText(programName, path, cmd, globals),
    );
  }
  const specs = cmd.args ?? [];
  if (positionals.length > specs.length) {
    fail(`unexpected argument '${positionals[specs.length]}' found`);
  }
  const missing = specs.filter((s, i) => s.required && positionals[i] === undefined);
  if (missing.length > 0) {
    throw new UsageError(
      `the following required arguments were not provided:\n  ${
        missing.map((m) => `<${m.name.toUpperCase()}>`).join("\n  ")
      }`,
      usageOf(cmd),
      [programName, ...path].join(" "),
    );
  }
  specs.forEach((s, i) => {
    const v = positionals[i];
    if (v !== undefined && s.choices && !s.choices.includes(v)) {
      fail(
        `invalid value '${v}' for '<${s.name.toUpperCase()}>'`,
        `possible values: ${s.choices.join(", ")}`,
      );
    }
    args[s.name] = v;
  });
  for (const o of cmd.options ?? []) {
    for (const other of o.conflicts ?? []) {
      if (opts.has(o.long) && opts.has(other)) {
        fail(`the argument '${optLabel(o)}' cannot be used with '--${other}'`);
      }
    }
  }
  return new Parsed(path, args, opts, [...(cmd.options ?? []), ...globals]);
}

/** The candidate nearest to `name` (a few edits away, or a prefix), if any. */
function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  // Short names are close to everything: allow one edit for them, two otherwise.
  let bestDist = name.length <= 3 ? 2 : 3;
  for (const c of candidates) {
    const d = c.startsWith(name) && name.length > 1 ? 1 : editDistance(name, c);
    if (d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  return best;
}

/** Edit distance where swapping two neighbours counts as one edit. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

function checkInteger(o: OptSpec, v: string, fail: (m: string) => never): void {
  const label = optLabel(o);
  if (!/^[+-]?[0-9]+$/.test(v)) {
    fail(
      `invalid value '${v}' for '${label}': ${
        v === "" ? "cannot parse integer from empty string" : "invalid digit found in string"
      }`,
    );
  }
  const n = BigInt(v);
  const [min, max] = o.kind === "i64"
    ? [-9223372036854775808n, 9223372036854775807n]
    : [0n, 18446744073709551615n];
  if (n < min) fail(`invalid value '${v}' for '${label}': number too small to fit in target type`);
  if (n > max) fail(`invalid value '${v}' for '${label}': number too large to fit in target type`);
}

function usageLine(
  program: string,
  path: readonly string[],
  cmd: CommandSpec,
  globals: readonly OptSpec[],
): string {
  const parts = [program, ...path];
  const hasOpts = (cmd.options ?? []).some((o) => !o.hidden) || globals.length > 0;
  if (hasOpts) parts.push("[OPTIONS]");
  if (cmd.subcommands) parts.push("<COMMAND>");
  for (const a of cmd.args ?? []) {
    parts.push(a.required ? `<${a.name.toUpperCase()}>` : `[${a.name.toUpperCase()}]`);
  }
  return parts.join(" ");
}

/**
 * The help text of a command.
 *
 * @param program Program name.
 * @param path Subcommand chain.
 * @param cmd The command.
 * @param globals Global options.
 * @returns Help text ending in a newline.
 */
export function helpText(
  program: string,
  path: readonly string[],
  cmd: CommandSpec,
  globals: readonly OptSpec[],
): string {
  let out = `${cmd.about}\n\nUsage: ${usageLine(program, path, cmd, globals)}\n`;
  if (cmd.subcommands) {
    const w = Math.max(...cmd.subcommands.map((s) => s.name.length), 4) + 2;
    out += "\nCommands:\n";
    for (const s of cmd.subcommands) out += `  ${s.name.padEnd(w)} ${s.about}\n`;
    if (path.length === 0) {
      out += `  ${"help".padEnd(w)} Print this message or the help of the given subcommand(s)\n`;
    }
  }
  if (cmd.args && cmd.args.length > 0) {
    const labels = cmd.args.map((
      a,
    ) => (a.required ? `<${a.name.toUpperCase()}>` : `[${a.name.toUpperCase()}]`));
    const w = Math.max(...labels.map((l) => l.length)) + 2;
    out += "\nArguments:\n";
    cmd.args.forEach((a, i) => {
      out += `  ${labels[i]!.padEnd(w)}${a.help}\n`;
    });
  }
  const all = [
    ...(cmd.options ?? []).filter((o) => !o.hidden),
    ...(path.length === 0 ? [] : globals),
    HELP_OPT,
  ];
  const seen = new Set<string>();
  const rows = all.filter((o) => !seen.has(o.long) && seen.add(o.long)).map((o) => {
    const label = `${o.short ? `-${o.short}, ` : "    "}${optLabel(o)}`;
    let help = o.help;
    if (o.defaultText !== undefined) help += ` [default: ${o.defaultText}]`;
    if (o.choices) help += ` [possible values: ${o.choices.join(", ")}]`;
    return [label, help] as const;
  });
  const w = Math.max(...rows.map((r) => r[0].length)) + 2;
  out += "\nOptions:\n";
  for (const [label, help] of rows) out += `  ${label.padEnd(w)}${help}\n`;
  if (cmd.footer) out += `\n${cmd.footer}\n`;
  return out;
}
