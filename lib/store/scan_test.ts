import assert from "node:assert/strict";
import { scanItemFile } from "./scan.ts";

const ENC = new TextEncoder();
const ITEM = '{"id":"tg-a","title":"A","status":"todo","priority":0,"description":null,"tags":[],' +
  '"dependencies":[],"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z",' +
  '"blocked_reason":null,"blocked_from_status":null,"claimed_by":null,"claimed_at":null,"parent":null}';

Deno.test("scanItemFile() keeps every line's bytes and classifies it", () => {
  const bytes = new Uint8Array([
    ...ENC.encode('{"schema_version":1}\n' + ITEM + "\n\n{torn\n"),
    0xff,
    0x0a,
    ...ENC.encode(
      ITEM.replace('"todo"', '"Todo"') + "\n" +
        ITEM.replace('"parent":null', '"parent":null,"k":1'),
    ),
  ]);
  const scan = scanItemFile(bytes);
  assert.equal(scan.header?.problem, null);
  assert.equal(scan.header?.notJson, false);
  assert.deepEqual(scan.lines.map((l) => l.line), [2, 4, 5, 6, 7]);
  assert.equal(scan.lines[0]!.item?.id, "tg-a");
  assert.match(scan.lines[1]!.error!, /line 1 column/);
  assert.equal(scan.lines[2]!.text, null);
  assert.deepEqual([...scan.lines[2]!.bytes], [0xff]);
  assert.equal(scan.lines[3]!.badStatus, "Todo");
  assert.match(scan.lines[4]!.extensionProblem!, /^Extension key 'k' must start with 'x-'/);
});

Deno.test("scanItemFile() reports header problems; a missing file and a blank first line have no header", () => {
  assert.deepEqual(scanItemFile(null), { exists: false, header: null, lines: [] });
  assert.equal(scanItemFile(ENC.encode("nope\n")).header?.notJson, true);
  assert.equal(
    scanItemFile(ENC.encode('{"schema_version":2}\n')).header?.problem,
    "Unsupported schema version 2 (max supported: 1)",
  );
  assert.match(
    scanItemFile(ENC.encode("{}\n"), true).header!.problem!,
    /Invalid archive schema header/,
  );
  const blank = scanItemFile(ENC.encode('\n{"schema_version":1}\n'));
  assert.equal(blank.header, null);
  assert.equal(blank.lines[0]!.line, 2);
  assert.notEqual(blank.lines[0]!.error, null);
});
