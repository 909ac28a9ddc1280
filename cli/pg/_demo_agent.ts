// deno-lint-ignore-file no-console
/**
 * The scripted agent of `pg demo`: a real subprocess that reads pg's prompt
 * like a coding agent would, writes real files into the repository, and
 * writes a valid result file. Offline and deterministic.
 *
 * Usage (through pg's `command` runner): `_demo_agent.ts <result_path> <prompt>`
 *
 * Behaviour by phase:
 * - `triage`: titles containing "redesign" are large and risky and need human
 *   review; everything else is small and low-risk.
 * - `research`: writes `research.md` in the change folder.
 * - `design`: writes `design.md`; "Write the config parser" proposes a
 *   follow-up item.
 * - `build`: writes a source file under `src/`.
 * - `review`: writes `review.md`.
 *
 * @module
 */

const [resultPath, prompt] = Deno.args;
if (!resultPath || prompt === undefined) {
  throw new Error("usage: _demo_agent.ts <result_path> <prompt>");
}

function match(re: RegExp): string | undefined {
  return re.exec(prompt!)?.[1]?.trim();
}

const id = match(/^- \*\*ID:\*\* (.+)$/m) ?? "unknown";
const title = match(/^- \*\*Title:\*\* (.+)$/m) ?? "";
const phase = match(/"phase": "([^"]+)"/) ?? "unknown";
const changeFolder = match(/The change folder for this item is:\s*`([^`]+)`/);
const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "item";

async function write(path: string, text: string): Promise<void> {
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  await Deno.writeTextFile(path, text);
}

// Pretend to think for a moment so the live status has something to show.
await new Promise((r) => setTimeout(r, 150 + (id.length * 37) % 200));

const risky = /redesign/i.test(title);
let result: Record<string, unknown>;
switch (phase) {
  case "triage":
    result = {
      result: "phase_complete",
      summary: risky
        ? "Large, risky change: needs research and a human decision"
        : "Small, safe change",
      pipeline_type: "feature",
      updated_assessments: risky
        ? { size: "large", complexity: "high", risk: "high", impact: "medium" }
        : {
          size: "small",
          complexity: "low",
          risk: "low",
          impact: title === "Write the config parser" ? "high" : "medium",
        },
      requires_human_review: risky,
      description: {
        context: `Requested in the demo backlog: ${title}`,
        problem: "",
        solution: "",
        impact: "",
        "sizing_rationale": risky ? "Touches every module" : "One file",
      },
      commit_summary: `Triage: ${title}`,
    };
    break;
  case "research":
    await write(
      `${changeFolder}/research.md`,
      `# Research: ${title}\n\nOptions considered: A, B.\n`,
    );
    result = {
      result: "phase_complete",
      summary: "Researched two options",
      commit_summary: "Research notes",
    };
    break;
  case "design":
    await write(
      `${changeFolder}/design.md`,
      `# Design: ${title}\n\nA small module with one entry point.\n`,
    );
    result = {
      result: "phase_complete",
      summary: "Design written",
      commit_summary: "Design notes",
      follow_ups: title === "Write the config parser"
        ? [{
          title: "Document the parser's error messages",
          context: "Found while designing the parser",
          suggested_size: "small",
          suggested_risk: "low",
        }]
        : [],
    };
    break;
  case "build":
    await write(
      `src/${slug}.ts`,
      `// ${title}\nexport function ${
        slug.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase())
      }(): string {\n  return ${JSON.stringify(title)};\n}\n`,
    );
    result = {
      result: "phase_complete",
      summary: `Implemented src/${slug}.ts`,
      commit_summary: `Implement ${title}`,
    };
    break;
  case "review":
    await write(`${changeFolder}/review.md`, `# Review: ${title}\n\nLooks good.\n`);
    result = {
      result: "phase_complete",
      summary: "Reviewed: no findings",
      commit_summary: "Review",
    };
    break;
  default:
    result = { result: "failed", summary: `The demo agent does not know phase '${phase}'` };
}

await write(resultPath, JSON.stringify({ item_id: id, phase, ...result }, null, 2) + "\n");
console.log(`[demo agent] ${id} ${phase}: ${result.summary}`);
