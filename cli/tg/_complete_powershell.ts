/**
 * The PowerShell completion script: a native argument completer over the
 * command table. Item IDs come from `tg list --json`.
 *
 * @module
 */

import type { CommandEntry, Values } from "./_complete_model.ts";

/** Quotes a string for PowerShell (single quotes, `'` doubled). */
function psQuote(s: string): string {
  return "'" + s.replaceAll("'", "''") + "'";
}

function arr(words: readonly string[]): string {
  return `@(${words.map(psQuote).join(", ")})`;
}

function valuesExpr(v: Values): string | null {
  if (v.kind === "ids") return "'__tg_ids'";
  if (v.kind === "words") return arr(v.words);
  return null;
}

function table(rows: [string, string][]): string {
  return `@{\n${rows.map(([k, v]) => `    ${psQuote(k)} = ${v}`).join("\n")}\n}`;
}

/**
 * Generates the PowerShell script.
 *
 * @param model The flattened command table.
 * @returns The script.
 */
export function powershellScript(model: readonly CommandEntry[]): string {
  const subs: [string, string][] = [];
  const flags: [string, string][] = [];
  const optValues: [string, string][] = [];
  const argValues: [string, string][] = [];
  for (const c of model) {
    if (c.subcommands.length > 0) subs.push([c.path, arr(c.subcommands.map((s) => s.name))]);
    flags.push([c.path, arr(c.flags.flatMap((f) => f.names))]);
    for (const f of c.flags) {
      if (!f.takesValue) continue;
      for (const n of f.names) optValues.push([`${c.path}|${n}`, valuesExpr(f.values) ?? "@()"]);
    }
    c.args.forEach((a, i) => {
      const v = valuesExpr(a);
      if (v !== null) argValues.push([`${c.path}|${i}`, v]);
    });
  }
  return `# PowerShell completion for tg (task-golem). Load it with:
#   tg completions powershell | Out-String | Invoke-Expression

$script:TgSubcommands = ${table(subs)}
$script:TgFlags = ${table(flags)}
$script:TgOptionValues = ${table(optValues)}
$script:TgArgValues = ${table(argValues)}

Register-ArgumentCompleter -Native -CommandName tg -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $words = @($commandAst.CommandElements | Where-Object { $_.Extent.EndOffset -le $cursorPosition } | ForEach-Object { $_.ToString() })
    if ($wordToComplete -ne '' -and $words.Count -gt 0) { $words = $words[0..($words.Count - 2)] }
    $path = ''
    $npos = 0
    $expect = $null
    $dashdash = $false
    foreach ($w in ($words | Select-Object -Skip 1)) {
        if ($null -ne $expect) { $expect = $null; continue }
        if (-not $dashdash -and $w -eq '--') { $dashdash = $true; continue }
        if (-not $dashdash -and $w.StartsWith('-')) {
            if (-not $w.Contains('=') -and $script:TgOptionValues.ContainsKey("$path|$w")) { $expect = $w }
            continue
        }
        if ($npos -eq 0 -and $script:TgSubcommands.ContainsKey($path) -and $script:TgSubcommands[$path] -contains $w) {
            $path = if ($path -eq '') { $w } else { "$path $w" }
            continue
        }
        $npos++
    }
    $out = @()
    if ($null -ne $expect) { $out = $script:TgOptionValues["$path|$expect"] }
    elseif (-not $dashdash -and $wordToComplete.StartsWith('-')) { $out = $script:TgFlags[$path] }
    elseif ($npos -eq 0 -and $script:TgSubcommands.ContainsKey($path)) { $out = $script:TgSubcommands[$path] }
    elseif ($script:TgArgValues.ContainsKey("$path|$npos")) { $out = $script:TgArgValues["$path|$npos"] }
    if ($out -eq '__tg_ids') {
        $out = @(tg list --json 2>$null | ConvertFrom-Json | ForEach-Object { $_.id })
    }
    $out | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
        [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
    }
}
`;
}
