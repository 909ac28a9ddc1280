import assert from "node:assert/strict";
import { MAX_LINE_BYTES, UsageScanner } from "./usage_scanner.ts";

const ENC = new TextEncoder();

function scan(...chunks: (string | Uint8Array)[]) {
  const s = new UsageScanner();
  for (const c of chunks) s.push(typeof c === "string" ? ENC.encode(c) : c);
  return s.finish();
}

const CLAUDE = JSON.stringify({
  type: "result",
  "total_cost_usd": 0.5,
  usage: {
    "input_tokens": 10,
    "cache_creation_input_tokens": 200,
    "cache_read_input_tokens": 3000,
    "output_tokens": 40,
  },
});

Deno.test("UsageScanner reads claude's result line, split across chunks at any byte", () => {
  const bytes = ENC.encode("Some text first\n" + CLAUDE + "\n");
  for (let cut = 0; cut <= bytes.length; cut += 7) {
    assert.deepEqual(
      scan(bytes.subarray(0, cut), bytes.subarray(cut)),
      { costUsd: 0.5, inputTokens: 3210, outputTokens: 40 },
      `cut at ${cut}`,
    );
  }
});

Deno.test("UsageScanner reads a last line without a newline and ignores other JSON", () => {
  assert.deepEqual(scan('{"type":"assistant","usage":{"input_tokens":1}}\n', CLAUDE), {
    costUsd: 0.5,
    inputTokens: 3210,
    outputTokens: 40,
  });
  assert.equal(scan('{"type":"assistant"}\n[1,2]\nnull\n{broken\n'), undefined);
  assert.equal(scan(""), undefined);
  assert.deepEqual(scan('{"type":"result","total_cost_usd":0}'), { costUsd: 0 });
  assert.deepEqual(scan("  ", '  {"type":"result","total_cost_usd":1}\n'), { costUsd: 1 });
});

Deno.test("UsageScanner reads the line claude 2.1.332 printed (recorded fixture)", async () => {
  const text = await Deno.readTextFile(
    new URL("../../../../tests/fixtures/agent_help/claude_output_json.txt", import.meta.url),
  );
  assert.deepEqual(scan(text), { costUsd: 0, inputTokens: 0, outputTokens: 0 });
});

Deno.test("UsageScanner sums codex turn.completed events", () => {
  const turn = (i: number, o: number) =>
    JSON.stringify({
      type: "turn.completed",
      usage: { "input_tokens": i, "cached_input_tokens": 1, "output_tokens": o },
    }) + "\n";
  assert.deepEqual(scan(turn(100, 5), '{"type":"item.completed"}\n', turn(50, 7)), {
    inputTokens: 150,
    outputTokens: 12,
  });
});

Deno.test("UsageScanner skips lines longer than its limit without keeping them", () => {
  const long = "{" + " ".repeat(MAX_LINE_BYTES) + "}\n";
  assert.equal(scan(long), undefined);
  assert.deepEqual(scan(long, CLAUDE), { costUsd: 0.5, inputTokens: 3210, outputTokens: 40 });
  // A non-JSON line is dropped at its first chunk.
  assert.deepEqual(scan("x".repeat(10), "y".repeat(MAX_LINE_BYTES), "\n", CLAUDE), {
    costUsd: 0.5,
    inputTokens: 3210,
    outputTokens: 40,
  });
});
