import assert from "node:assert/strict";
import { dirname, join, resolve } from "./path.ts";

Deno.test("dirname() returns the directory part", () => {
  assert.equal(dirname("/repo/.task-golem/tasks.jsonl"), "/repo/.task-golem");
  assert.equal(dirname("/repo/.task-golem/"), "/repo");
  assert.equal(dirname("/tasks.jsonl"), "/");
  assert.equal(dirname("/"), "/");
  assert.equal(dirname("file"), ".");
  assert.equal(dirname("a/b"), "a");
});

Deno.test("join() joins with '/' and restarts at an absolute segment", () => {
  assert.equal(join("/repo", ".task-golem"), "/repo/.task-golem");
  assert.equal(join("/repo/", "a", "", "b"), "/repo/a/b");
  assert.equal(join("/", ".task-golem"), "/.task-golem");
  assert.equal(join("a", "/abs", "b"), "/abs/b");
  assert.equal(join(), ".");
});

Deno.test("resolve() makes a path absolute and removes . and ..", () => {
  assert.equal(resolve("/work/repo", "sub/../x/./y"), "/work/repo/x/y");
  assert.equal(resolve("/work/repo", "/etc/../tmp"), "/tmp");
  assert.equal(resolve("/", "../.."), "/");
  assert.equal(resolve("/a", "."), "/a");
});
