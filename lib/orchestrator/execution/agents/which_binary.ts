/**
 * Where an agent CLI's binary is on `PATH`: the line `pg run` and
 * `pg triage` log at startup (pg.md §2.4 step 5). Informational only; the
 * runner does its own lookup when it spawns the agent.
 *
 * @module
 */

/**
 * Finds a program on `PATH`: the first regular file with an execute bit.
 * A name with a `/` is returned as it is.
 *
 * @param binary The program name.
 * @param path The `PATH` value.
 * @returns The first executable match, or `null`.
 */
export async function whichBinary(
  binary: string,
  path: string | undefined,
): Promise<string | null> {
  if (binary.includes("/")) return binary;
  for (const dir of (path ?? "").split(":")) {
    if (dir === "") continue;
    const candidate = `${dir}/${binary}`;
    try {
      const info = await Deno.stat(candidate);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}
