/**
 * The texts of the workflow pack (see `workflow_pack.ts`): plain Markdown
 * briefs for the agent, one per phase of the `feature` and `fix` pipelines,
 * the triage guide and a README. They are part of the code so that an
 * installed `pg` can write them; `pg init` writes the missing ones into the
 * project, where users edit them.
 *
 * The workflows describe the work. How the agent reports its result (the
 * result file and its fields) is in pg's prompt, never here, so that users
 * can edit these files freely.
 *
 * @module
 */

import { WORKFLOW_PACK_DIR } from "./workflow_pack.ts";

/** One file of the workflow pack. */
export interface WorkflowPackFile {
  /** Path relative to the project root, e.g. `phase-golem-workflows/fix/build.md`. */
  path: string;
  /** The file's content (Markdown). */
  text: string;
}

// Sections every phase workflow shares.

const START = `## Before you start

- Read the whole prompt: the item, its description and assessments, and any **Previous Phase
  Summary**, **Unblock Context** (a human's answer; it overrides what earlier artifacts say) or
  **Previous Failure** (what went wrong in the last attempt; do something different this time).
- Read what earlier phases left in the change folder, and the project's guides for contributors
  (\`README\`, \`CONTRIBUTING\`, \`AGENTS.md\`, \`CLAUDE.md\` or similar) where they exist.`;

const RULES =
  `- Stay within this item. Make no unrelated edits, refactors or formatting sweeps; report other
  problems you notice as follow-ups.
- Do not commit, push, switch branches, rebase or stash: pg commits the phase's changes when it
  ends.
- Leave \`.task-golem/\` (the backlog), \`.phase-golem/\`, pg's config file and the workflow files
  alone, and run no \`tg\` or \`pg\` command that changes anything.
- No one will answer questions while you work. Make the decision a senior engineer would make and
  record it under "Assumptions" in the phase's artifact.`;

const DOCS_ONLY =
  `- This phase changes no code: write only in the change folder. Running the code, its tests and
  read-only commands to learn how it behaves is fine.`;

// What the folder is and how to edit it
const README = `# Workflows for phase-golem

These files tell the coding agent what to do in each phase of \`pg run\`. For every phase, pg starts
the agent with a prompt that names the backlog item, its change folder (such as
\`changes/WRK-a1b2c_fix-the-login/\`), the workflow file of the phase, and how to report the result.
The agent reads the workflow and follows it. \`pg init\` wrote these files; they are yours to edit,
and pg never overwrites them (a later \`pg init\` only writes files that are missing).

| File                       | Phase                           | Writes (in the change folder)  |
| -------------------------- | ------------------------------- | ------------------------------ |
| \`triage.md\`                | triage of a new item            | nothing: it routes the item    |
| \`feature/research.md\`      | \`feature\` pre-phase \`research\`  | \`research.md\`                  |
| \`feature/prd.md\`           | \`feature\` phase \`prd\`           | \`prd.md\`                       |
| \`feature/tech-research.md\` | \`feature\` phase \`tech-research\` | \`tech-research.md\`             |
| \`feature/design.md\`        | \`feature\` phase \`design\`        | \`design.md\`                    |
| \`feature/spec.md\`          | \`feature\` phase \`spec\`          | \`spec.md\`                      |
| \`feature/build.md\`         | \`feature\` phase \`build\`         | code and tests, \`build-log.md\` |
| \`feature/review.md\`        | \`feature\` phase \`review\`        | \`review.md\`, small fixes       |
| \`fix/build.md\`             | \`fix\` phase \`build\`             | code and tests, \`build-log.md\` |
| \`fix/review.md\`            | \`fix\` phase \`review\`            | \`review.md\`, small fixes       |

\`phase-golem.jsonc\` maps each phase to its file (the \`workflows\` list of the phase) and names the
triage guide (\`triage.workflows\`).

## Editing

- Say what this project needs: the commands that build, test and lint it, its conventions, the
  files an agent should read first. \`feature/build.md\`, \`fix/build.md\` and the two reviews are the
  usual places.
- The workflows describe the work. How the agent reports its result (the result file, its fields
  and the result codes) is part of pg's prompt, so you can change the workflows freely.
- To add a pipeline, write its workflow files, add it under \`pipelines\` in \`phase-golem.jsonc\`, and
  describe it in \`triage.md\` so that triage sends items to it.
- A phase may list several workflow files; the agent follows them in order.
`;

// The triage guide: the pipelines and when to choose each
const TRIAGE = `# Triage guide

Triage looks at one new backlog item and decides what happens to it: which pipeline it goes
through, how big and risky it is, and whether it is needed at all. It is a quick assessment, not
research: read the item, look at the code it concerns long enough to judge its size and risk, and
decide.

## The pipelines

### \`fix\`: small, low-risk changes

\`build\` → \`review\`. No research, no design, and no stop for a human before the code changes. Choose
\`fix\` only when all of these hold:

- It is clear from the item what to change and how to tell that it works.
- The change is small (1–3 files) and low-risk: no shared interface, public API, data format,
  schema, security-relevant code or build set-up changes.
- No design decision is needed.

Typical \`fix\` items: a bug whose cause is evident, a wrong message or typo, a missing option that
follows an existing pattern, a small documentation correction.

### \`feature\`: everything else

\`research\` (scoping) → \`prd\` → \`tech-research\` → \`design\` → \`spec\` → \`build\` → \`review\`. Choose
\`feature\` for new behaviour, for anything of medium or large size, for anything risky, and whenever
you are unsure. Its \`research\` phase scopes the item first; an item that turns out to exceed the
project's limits for size, complexity or risk stops there until a human approves it.

**When in doubt, choose \`feature\`.** A small item in \`feature\` costs a few extra phases; a risky
item in \`fix\` skips every safeguard.

## Assessing the item

Rate each dimension from what you found, not from the title alone:

- **Size**: small (1–3 files), medium (4–10 files), large (11 or more files).
- **Complexity**: low (follows an existing pattern), medium (needs design decisions), high (new
  architecture or an unfamiliar area).
- **Risk**: low (no shared interfaces), medium (changes shared code), high (breaking changes, data
  migrations, security).
- **Impact**: low (nice to have), medium (a meaningful improvement), high (critical or blocking
  other work).

Write the item's description so that later phases can start from it: the context, the problem,
the proposed solution, the impact, and why you sized it as you did. Be concrete: name files,
commands and error messages you found.

## Other outcomes

- **Duplicate**: when an item in the current backlog already covers this one, report it as a
  duplicate instead of routing both.
- **Not needed**: when the work is already done (say where), obsolete, or out of scope for this
  repository, report the item as blocked and say why.
- **Unclear**: when nobody could act on the item without more information, report it as blocked
  and say exactly what is missing.
- **Several changes in one**: route the item for its core change and propose the other pieces as
  follow-ups.

## Rules

- Triage changes no code. Apart from the result, the only file you may write is the idea file
  under \`_ideas/\` that pg's instructions ask for on larger items.
- Do not add, edit or close backlog items yourself (no \`tg\` command that changes \`.task-golem/\`);
  report duplicates and follow-ups in your result instead.
`;

// `feature` pre-phase `research`: scope the item
const FEATURE_RESEARCH = `# Research: scope the item

The first phase of the \`feature\` pipeline, run before the item is accepted into it. Find out what
the item really involves, so that the project can decide whether it goes ahead without a human.

${START}
- Triage may have written an idea file for this item in \`_ideas/\`, named after the item's ID.
  Read it if it exists.

## What to do

1. Restate what is asked, in your own words, and what "done" would look like.
2. Find where the change lands: the modules, files and functions involved, and the code that
   calls them. Read enough of it to be sure.
3. Sketch one to three ways to do it, with their trade-offs, and recommend one.
4. Size the item honestly: files touched, design decisions needed, shared interfaces or data
   formats changed, what could break. These numbers decide whether the item continues on its own
   or waits for a human, so do not shade them.
5. List what is out of scope, and separate pieces of work that belong in items of their own.

## Produce

\`research.md\` in the change folder, with these sections: **Summary** (three lines at most),
**What is asked**, **Where it lands** (paths, with a line on each), **Options** and
**Recommendation**, **Size, complexity and risk** (each with the reason), **Out of scope**,
**Assumptions**.

## Result

- \`phase_complete\`: the item is scoped. Update the assessments (size, complexity, risk, impact)
  to what you found.
- \`blocked\`: going on needs a decision only a human can make (conflicting requirements, a product
  choice with real consequences, access or credentials you do not have), or the work is not needed
  (already done: say where; obsolete; out of scope). Say exactly what is needed.
- \`failed\`: you could not do the research (for example, the repository could not be read). Say
  why.
- Follow-ups: the separate pieces of work you found, one per follow-up, each with its context.

## Rules

${DOCS_ONLY}
${RULES}
`;

// `feature` phase `prd`: the requirements
const FEATURE_PRD = `# PRD: say what done means

Write the product requirements for the item: what it must do, for whom, and how anyone can check
that it does. Every later phase builds against this document and the review checks against it.

${START}

## What to do

1. Start from the item, its description and \`research.md\` (its recommendation and scope).
2. Look at the current behaviour where it matters: run the command, read the help text, find the
   error message. Requirements grounded in the real behaviour are easier to build and to check.
3. Write requirements that can be tested: each says what happens, in which situation, with which
   input. Prefer "\`tool export --format csv\` writes one header line" to "export supports CSV".
4. Keep it in proportion: a small item gets a short PRD.

## Produce

\`prd.md\` in the change folder, with these sections: **Problem**, **Users and use**, **Goals**,
**Non-goals**, **Requirements** (numbered \`R1\`, \`R2\`, …; each a MUST or a SHOULD), **Acceptance
criteria** (concrete checks: a command and its expected output, an input and its result),
**Constraints** (compatibility, performance, security), **Assumptions**.

## Result

- \`phase_complete\`: the PRD is written.
- \`blocked\`: the requirements cannot be settled without a human (they contradict each other, or a
  product decision with real consequences has to be made), or the work turns out not to be needed.
  Prefer deciding and recording the assumption when the choice is reversible.
- \`failed\`: you could not write it. Say why.
- Update the assessments if the requirements make the item larger or riskier than assessed.

## Rules

${DOCS_ONLY}
${RULES}
`;

// `feature` phase `tech-research`: how the code works
const FEATURE_TECH_RESEARCH = `# Technical research: learn the code before designing

Find out how the code works where the change lands, so that the design rests on facts rather than
guesses, and record how this project is built and tested.

${START}

## What to do

1. Read \`prd.md\` and \`research.md\`.
2. Trace the code paths the requirements touch: entry points, the functions and types involved,
   data formats, configuration, error handling. Note file paths and names.
3. Find the project's conventions: code style, error handling, logging, test layout, naming. Name
   the files that show them best.
4. Find the commands that build, test and lint the project: the ones its CI runs (for example
   \`.github/workflows/\`), \`package.json\` scripts, \`Makefile\`, \`deno.json\` or \`pyproject.toml\`
   tasks, or the contributor guide. Run the tests once and record the result, so that later phases
   know which failures, if any, were there before this item.
5. Check the libraries and APIs involved in the versions the project uses (lock files, installed
   packages), not from memory.

## Produce

\`tech-research.md\` in the change folder, with these sections: **Relevant code** (paths, each with a
line on its role), **How it works today**, **Conventions to follow**, **Build, test and lint
commands** (exact commands and the baseline result), **Libraries and APIs**, **Risks and
constraints**, **Findings that affect the PRD** (note them here; do not rewrite the PRD),
**Assumptions**.

## Result

- \`phase_complete\`: the research is written.
- \`blocked\`: the findings show the item cannot be done as specified without a human decision (for
  example, it needs a breaking change the PRD rules out). Say what has to be decided.
- \`failed\`: you could not do the research (for example, the project cannot be built here). Say
  why.
- Update the assessments if the code is more involved than assessed.

## Rules

${DOCS_ONLY}
- Install nothing new; use what the project already has.
${RULES}
`;

// `feature` phase `design`: how to build it
const FEATURE_DESIGN = `# Design: decide how to build it

Decide how the item will be built, and write it down so that the spec and the build follow one
coherent plan.

${START}

## What to do

1. Read \`prd.md\` and \`tech-research.md\`; the design must meet every requirement and fit the code
   as it is.
2. Choose the simplest approach that meets the PRD and follows the project's conventions. Reuse
   existing code before adding abstractions; add a dependency only when the alternative is clearly
   worse, and say why.
3. Work out the details that are easy to get wrong: interfaces and their signatures, data formats,
   error cases and their messages, edge cases, compatibility with existing data and callers.
4. Plan the tests: which behaviour is checked where, mapped to the requirements.

## Produce

\`design.md\` in the change folder, with these sections: **Approach**, **Alternatives considered**
(and why not), **Changes by component** (files and modules; new or changed interfaces with their
signatures; data formats), **Behaviour and errors** (including edge cases), **Compatibility and
migration**, **Testing** (which tests, at which level, for which requirement), **Risks**,
**Assumptions**.

## Result

- \`phase_complete\`: the design is written.
- \`blocked\`: the design needs a decision a human should make: a breaking change to a public
  interface, a data migration that can lose data, a new external service or dependency with real
  cost, a security trade-off. Lay out the options and your recommendation.
- \`failed\`: you could not produce a design. Say why.
- Update the assessments if the design is larger or riskier than assessed.

## Rules

${DOCS_ONLY}
${RULES}
`;

// `feature` phase `spec`: the plan, in build phases
const FEATURE_SPEC = `# Spec: plan the build

Turn the design into an implementation plan that the build phase can carry out step by step. The
build runs once per phase of this plan and commits after each, so the plan is also the order in
which the change lands.

${START}

## What to do

1. Read \`prd.md\`, \`tech-research.md\` and \`design.md\`.
2. Split the work into build phases. Each phase is one coherent change of a few files that leaves
   the project building and its tests passing, with the tests for that change in the same phase.
   A small item has a single phase; do not split for the sake of it.
3. Order the phases so that each builds on the ones before it.
4. For every task, name the files and what changes in them, concretely enough that the build does
   not have to redo the design.

## Produce

\`spec.md\` in the change folder, in this shape:

\`\`\`markdown
# Spec: <item title>

## Overview

Two or three sentences; the design is in design.md.

## Phase 1: <name>

- [ ] <task, with the files it touches>
- [ ] <tests to add or change, and what they check>

Verify: <exact commands, e.g. the test and lint commands from tech-research.md>

Done when: <what is true after this phase>

## Phase 2: <name>

…

## Verification

The commands that check the whole change, and each requirement of prd.md with the test that
covers it.
\`\`\`

The build ticks the boxes (\`- [x]\`) as it goes, so keep one task per box.

## Result

- \`phase_complete\`: the spec is written.
- \`blocked\`: the design leaves a question open that the spec cannot settle without a human. Say
  what it is.
- \`failed\`: you could not write the spec. Say why.

## Rules

${DOCS_ONLY}
${RULES}
`;

// `feature` phase `build`: one spec phase per run
const FEATURE_BUILD = `# Build: implement the next phase of the spec

Implement the item, one phase of \`spec.md\` per run. pg commits your changes when you finish and,
while phases remain, runs this workflow again for the next one.

${START}

## What to do

1. Read \`spec.md\` and find the first phase with unticked tasks. That phase is this run's work.
   Read \`design.md\` and \`prd.md\` for the intent, and \`tech-research.md\` for the project's
   commands and conventions.
2. Run \`git status\`. Earlier phases are already committed. Changes you find uncommitted come from
   an attempt that failed: review them, keep what is right, and finish or undo the rest.
3. Implement the phase's tasks, following the project's conventions. Write the tests the spec asks
   for; a test must fail without your change and pass with it.
4. Run the project's tests, linters, formatters and type checks (the commands in
   \`tech-research.md\`, or the ones the project's CI runs). Fix what fails, and run them again
   until they pass. Never skip, disable, delete or weaken a test to make it pass. A failure that
   \`tech-research.md\` recorded as already there before this item may stay; say so in the log.
5. Tick the phase's tasks in \`spec.md\`, and add an entry for the phase to \`build-log.md\` in the
   change folder: what changed (files), the commands you ran and their results, and any deviation
   from the spec with its reason.

## Result

- \`subphase_complete\`: this phase is done and its checks pass, and the spec has phases left.
- \`phase_complete\`: every phase of the spec is done and the spec's verification passes.
- \`failed\`: you could not get this phase working in this attempt. Say what fails and what you
  tried; pg retries, showing your words to the next attempt.
- \`blocked\`: the spec or the design is wrong or incomplete in a way that needs a human, or the
  change would need work outside the item (for example, a breaking change to a shared interface
  the design did not plan). Say exactly what is needed.
- Follow-ups: bugs and improvements you noticed outside this item.
- Update the assessments if the work is clearly larger or riskier than assessed.

## Rules

- Implement the spec as written; where you have to deviate, say why in \`build-log.md\`.
${RULES}
`;

// `feature` phase `review`: against the PRD and the spec
const FEATURE_REVIEW = `# Review: check the change before it is done

Review the item's change as a senior engineer reviews a colleague's pull request, against what was
asked: the PRD, the design and the spec. This is the last phase; when it completes, the item is
done.

${START}

## What to do

1. Read \`prd.md\`, \`design.md\`, \`spec.md\` and \`build-log.md\`.
2. Find the change: the titles of the item's commits start with its ID in brackets, such as
   \`[WRK-a1b2c][build]\`. List them with \`git log --oneline --fixed-strings --grep "[WRK-a1b2c]"\`
   (with this item's ID) and read each with \`git show\`, or diff from the parent of the first one
   to \`HEAD\`.
3. Check it:
   - **Spec and PRD**: every task of the spec is done; every requirement and acceptance criterion
     of the PRD is met, each by code you can point to and by a test.
   - **Correctness**: edge cases, error handling and messages, resource clean-up, concurrency,
     security (input validation, injection, secrets in code or logs).
   - **Tests**: run the project's full test suite and its linters, formatters and type checks.
     The new tests exercise the change (they would fail without it); no test was skipped, deleted
     or weakened.
   - **Scope and finish**: no unrelated edits, debug output or stray files; documentation and help
     texts changed where behaviour changed.
4. Fix what you can within the item: small, clear corrections to the change itself. Run the
   checks again after fixing. Do not redesign; a problem that needs rework is reported, not
   patched over.

## Produce

\`review.md\` in the change folder, with these sections: **Verdict**, **Requirements** (each
requirement with the code and test that meet it), **Findings** (each with \`file:line\`, marked
blocking, should fix or minor, and whether you fixed it), **Checks run** (commands and results),
**Assumptions**.

## Result

- \`phase_complete\`: no blocking finding remains and the checks pass.
- \`blocked\`: a blocking problem remains that needs rework or a decision. Describe it so that a
  human can decide what happens next; pg does not send the item back to build on its own.
- \`failed\`: you could not complete the review (for example, the tests cannot run here). Say why.
- Follow-ups: improvements worth doing that are outside this item.

## Rules

- Fix only problems in this item's change.
${RULES}
`;

// `fix` phase `build`: the small change, with a test
const FIX_BUILD = `# Build: make the small change

Triage sent this item down the \`fix\` pipeline: a small, low-risk change with no research or design
phase. Make the change, with a test, in one go.

${START}

## What to do

1. Understand the item: read the code it concerns. For a bug, reproduce it first, ideally as a
   test that fails.
2. Make the smallest change that does what the item asks, following the project's conventions.
3. Add or adjust a test that fails without the change and passes with it. For a change no test can
   check (documentation, a message), check it by hand and say how.
4. Find the project's test, lint, format and type-check commands (the ones its CI runs, or those in
   \`package.json\`, \`Makefile\`, \`deno.json\`, \`pyproject.toml\` or the contributor guide). Run them,
   fix what fails, and run them again until they pass. Never skip, disable, delete or weaken a
   test to make it pass. If a failure was there before your change, leave it and say so.
5. Write \`build-log.md\` in the change folder: what was wrong, what you changed (files), the
   commands you ran and their results.

## If it is not small after all

When the change turns out to need a design decision, to touch shared interfaces, or to grow beyond
a handful of files, stop: undo your partial changes and report the item as blocked, with what you
found, so that a human can send it through the \`feature\` pipeline instead.

## Result

- \`phase_complete\`: the change is made and the checks pass.
- \`failed\`: you could not get it working in this attempt. Say what fails and what you tried; pg
  retries, showing your words to the next attempt.
- \`blocked\`: the item is bigger or riskier than a fix, is unclear, or is not needed (already done:
  say where). Say exactly what you found.
- Follow-ups: other problems you noticed on the way.

## Rules

${RULES}
`;

// `fix` phase `review`: the small change checked
const FIX_REVIEW = `# Review: check the small change

Review the change the build made for this item before the item is done, as a senior engineer
reviews a small pull request.

${START}

## What to do

1. Read the item and \`build-log.md\`.
2. Find the change: the titles of the item's commits start with its ID in brackets, such as
   \`[WRK-a1b2c][build]\`. List them with \`git log --oneline --fixed-strings --grep "[WRK-a1b2c]"\`
   (with this item's ID) and read each with \`git show\`.
3. Check it:
   - It does what the item asks, completely, and nothing else.
   - It is correct, including edge cases and error handling.
   - A test covers it and would fail without it; no test was skipped, deleted or weakened.
   - The project's tests, linters, formatters and type checks pass: run them.
   - No debug output or stray files; documentation changed where behaviour changed.
4. Fix small, clear problems in the change yourself, and run the checks again.

## Produce

\`review.md\` in the change folder: **Verdict**, **Findings** (each with \`file:line\`, and whether you
fixed it), **Checks run** (commands and results).

## Result

- \`phase_complete\`: no blocking problem remains and the checks pass.
- \`blocked\`: a problem remains that needs rework or a decision. Describe it so that a human can
  decide.
- \`failed\`: you could not complete the review (for example, the tests cannot run here). Say why.
- Follow-ups: improvements worth doing outside this item.

## Rules

- Fix only problems in this item's change.
${RULES}
`;

/**
 * The files of the workflow pack, README first, then the triage guide, then
 * the `feature` and `fix` workflows in phase order.
 *
 * @returns Fresh objects, paths relative to the project root.
 *
 * @example Every workflow of the pack's pipelines is one of the files
 * ```ts
 * import { workflowPackFiles } from "./workflow_pack_files.ts";
 * import { workflowPackPipelines } from "./workflow_pack.ts";
 * import assert from "node:assert/strict";
 *
 * const paths = new Set(workflowPackFiles().map((f) => f.path));
 * for (const pipeline of Object.values(workflowPackPipelines())) {
 *   for (const phase of [...pipeline.pre_phases, ...pipeline.phases]) {
 *     assert.ok(phase.workflows.every((w) => paths.has(w)));
 *   }
 * }
 * ```
 */
export function workflowPackFiles(): WorkflowPackFile[] {
  return [
    { path: `${WORKFLOW_PACK_DIR}/README.md`, text: README },
    { path: `${WORKFLOW_PACK_DIR}/triage.md`, text: TRIAGE },
    { path: `${WORKFLOW_PACK_DIR}/feature/research.md`, text: FEATURE_RESEARCH },
    { path: `${WORKFLOW_PACK_DIR}/feature/prd.md`, text: FEATURE_PRD },
    { path: `${WORKFLOW_PACK_DIR}/feature/tech-research.md`, text: FEATURE_TECH_RESEARCH },
    { path: `${WORKFLOW_PACK_DIR}/feature/design.md`, text: FEATURE_DESIGN },
    { path: `${WORKFLOW_PACK_DIR}/feature/spec.md`, text: FEATURE_SPEC },
    { path: `${WORKFLOW_PACK_DIR}/feature/build.md`, text: FEATURE_BUILD },
    { path: `${WORKFLOW_PACK_DIR}/feature/review.md`, text: FEATURE_REVIEW },
    { path: `${WORKFLOW_PACK_DIR}/fix/build.md`, text: FIX_BUILD },
    { path: `${WORKFLOW_PACK_DIR}/fix/review.md`, text: FIX_REVIEW },
  ];
}
