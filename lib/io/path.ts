/**
 * Minimal POSIX path helpers (the store uses `/` paths; `node:path` costs
 * start-up time).
 *
 * @module
 */

/**
 * The directory part of a path.
 *
 * @param path A path.
 * @returns Everything before the last `/` (`.` when none, `/` for the root).
 */
export function dirname(path: string): string {
  const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
  const i = trimmed.lastIndexOf("/");
  if (i < 0) return ".";
  if (i === 0) return "/";
  return trimmed.slice(0, i);
}

/**
 * Joins path segments with `/`, an absolute segment restarting the path.
 *
 * @param parts Segments.
 * @returns The joined path.
 */
export function join(...parts: string[]): string {
  let out = "";
  for (const p of parts) {
    if (p === "") continue;
    if (p.startsWith("/") || out === "") out = p;
    else out = out.endsWith("/") ? out + p : out + "/" + p;
  }
  return out === "" ? "." : out;
}

/**
 * Makes a path absolute against `cwd` and removes `.` and `..` segments.
 *
 * @param cwd An absolute directory.
 * @param path A path.
 * @returns The absolute, normalized path.
 */
export function resolve(cwd: string, path: string): string {
  const full = path.startsWith("/") ? path : join(cwd, path);
  const out: string[] = [];
  for (const seg of full.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return "/" + out.join("/");
}
