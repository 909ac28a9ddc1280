/**
 * The elvish completion script: the command table as maps and an argument
 * completer that walks the words typed so far. Item IDs come from
 * `tg list --json`.
 *
 * @module
 */

import { type CommandEntry, completionTables, type Values } from "./_complete_model.ts";

/** Quotes a string for elvish (single quotes, `'` doubled). */
function elvQuote(s: string): string {
  return "'" + s.replaceAll("'", "''") + "'";
}

function list(words: readonly string[]): string {
  return `[${words.map(elvQuote).join(" ")}]`;
}

function valuesExpr(v: Values): string | null {
  if (v.kind === "ids") return "ids";
  if (v.kind === "words") return list(v.words);
  return null;
}

function map(rows: [string, string][]): string {
  if (rows.length === 0) return "[&]";
  return `[\n${rows.map(([k, v]) => `  &${elvQuote(k)}=${v}`).join("\n")}\n]`;
}

/**
 * Generates the elvish script.
 *
 * @param model The flattened command table.
 * @returns The script.
 */
export function elvishScript(model: readonly CommandEntry[]): string {
  const { subs, flags, takes, optValues, argValues } = completionTables(model, {
    subcommands: (c) => list(c.subcommands.map((s) => s.name)),
    flags: (c) => list(c.flags.flatMap((f) => f.names)),
    takesValue: "$true",
    values: valuesExpr,
  });
  return `# elvish completion for tg (task-golem). Load it with:
#   eval (tg completions elvish | slurp)

use str

var tg-subcommands = ${map(subs)}
var tg-flags = ${map(flags)}
var tg-takes-value = ${map(takes)}
var tg-option-values = ${map(optValues)}
var tg-arg-values = ${map(argValues)}

fn tg-list-ids {
  try {
    e:tg list --json 2>/dev/null | from-json | all (one) | each {|item| put $item[id] }
  } catch { }
}

fn tg-candidates {|@words|
  var cur = $words[-1]
  var cmdpath = ''
  var npos = (num 0)
  var expect = ''
  var dashdash = $false
  for w $words[1..-1] {
    if (not-eq $expect '') {
      set expect = ''
      continue
    }
    if (and (not $dashdash) (eq $w --)) {
      set dashdash = $true
      continue
    }
    if (and (not $dashdash) (str:has-prefix $w -)) {
      if (and (not (str:contains $w =)) (has-key $tg-takes-value $cmdpath'|'$w)) {
        set expect = $w
      }
      continue
    }
    if (and (== $npos 0) (has-key $tg-subcommands $cmdpath)) {
      if (has-value $tg-subcommands[$cmdpath] $w) {
        if (eq $cmdpath '') { set cmdpath = $w } else { set cmdpath = $cmdpath' '$w }
        continue
      }
    }
    set npos = (+ $npos 1)
  }
  var out = []
  if (not-eq $expect '') {
    if (has-key $tg-option-values $cmdpath'|'$expect) { set out = $tg-option-values[$cmdpath'|'$expect] }
  } elif (and (not $dashdash) (str:has-prefix $cur -)) {
    set out = $tg-flags[$cmdpath]
  } elif (and (== $npos 0) (has-key $tg-subcommands $cmdpath)) {
    set out = $tg-subcommands[$cmdpath]
  } elif (has-key $tg-arg-values $cmdpath'|'(to-string $npos)) {
    set out = $tg-arg-values[$cmdpath'|'(to-string $npos)]
  }
  if (eq $out ids) {
    tg-list-ids
  } else {
    all $out
  }
}

# The edit: module exists only in interactive shells.
try { eval 'set edit:completion:arg-completer[tg] = $tg-candidates~' } catch { }
`;
}
