import assert from "node:assert/strict";
import { agentCliSpec, claudeCli, codexCli, commandCli, opencodeCli } from "./agent_clis.ts";

const P = "# Autonomous Agent\nline 2";
const R = "/p/.phase-golem/phase_result_WRK-001_prd.json";

Deno.test("claudeCli() argv: permissions, optional model, JSON output, -p, prompt last", () => {
  assert.deepEqual(claudeCli().argv(P, R), [
    "--dangerously-skip-permissions",
    "--output-format",
    "json",
    "-p",
    P,
  ]);
  assert.deepEqual(claudeCli("opus").argv(P, R), [
    "--dangerously-skip-permissions",
    "--model",
    "opus",
    "--output-format",
    "json",
    "-p",
    P,
  ]);
  assert.deepEqual(claudeCli().argv("-x", R).slice(-2), ["--", "-x"]);
  const c = claudeCli();
  assert.deepEqual([c.displayName, c.binary, c.installHint, c.probe, c.experimental], [
    "Claude CLI",
    "claude",
    "Install: https://docs.anthropic.com/en/docs/claude-code",
    "version",
    false,
  ]);
});

Deno.test("opencodeCli() argv: run, optional model, --auto, prompt last; experimental", () => {
  assert.deepEqual(opencodeCli().argv(P, R), ["run", "--auto", P]);
  assert.deepEqual(opencodeCli("anthropic/claude-sonnet-4").argv(P, R), [
    "run",
    "--model",
    "anthropic/claude-sonnet-4",
    "--auto",
    P,
  ]);
  assert.deepEqual(opencodeCli().argv("--x", R), ["run", "--auto", "--", "--x"]);
  assert.equal(opencodeCli().experimental, true);
  assert.equal(opencodeCli().displayName, "OpenCode CLI");
});

Deno.test("codexCli() argv: exec, bypass, optional model, prompt last", () => {
  assert.deepEqual(codexCli().argv(P, R), [
    "exec",
    "--dangerously-bypass-approvals-and-sandbox",
    P,
  ]);
  assert.deepEqual(codexCli("o3").argv("-", R), [
    "exec",
    "--dangerously-bypass-approvals-and-sandbox",
    "--model",
    "o3",
    "--",
    "-",
  ]);
});

Deno.test("commandCli() replaces whole-argument placeholders only and keeps everything else", () => {
  const cli = commandCli(["agent", "{result_path}", "--flag", "{prompt}", "{result_path}"]);
  assert.equal(cli.binary, "agent");
  assert.equal(cli.probe, "path");
  assert.deepEqual(cli.argv("-starts with a dash", R), [R, "--flag", "-starts with a dash", R]);
  assert.deepEqual(commandCli(["agent", "{prompt}"]).argv("{result_path}", R), ["{result_path}"]);
});

Deno.test("agentCliSpec() picks the row for agent.cli and passes the model", () => {
  assert.equal(agentCliSpec({ cli: "claude", model: "m" }).model, "m");
  assert.equal(agentCliSpec({ cli: "opencode" }).binary, "opencode");
  assert.equal(agentCliSpec({ cli: "codex" }).binary, "codex");
  assert.equal(
    agentCliSpec({ cli: "command", command: ["x", "{prompt}"], model: "m" }).model,
    undefined,
  );
  assert.throws(() => agentCliSpec({ cli: "command" }), /agent\.command is required/);
});
