/**
 * Finding and reading the config file (pg.md §3.1): an explicit `--config`
 * path, else `phase-golem.jsonc` or `phase-golem.toml` in the project root,
 * else the built-in defaults.
 *
 * @module
 */

import type { FileSystem } from "../../io/fs.ts";
import { dirname, join } from "../../io/path.ts";
import type { WarningSink } from "../../io/warning.ts";
import {
  ConfigError,
  type ConfigFormat,
  defaultConfig,
  parseConfigText,
  type PgConfig,
} from "./config.ts";

/** The TOML config file name. */
export const TOML_CONFIG_NAME = "phase-golem.toml";
/** The JSON-with-comments config file name. */
export const JSONC_CONFIG_NAME = "phase-golem.jsonc";

/** Options for {@linkcode loadConfig}. */
export interface LoadConfigOptions {
  /** The project root. */
  root: string;
  /** An explicit config file (`--config`), which must exist. */
  configPath?: string | undefined;
  /** Receives the warning when both config files exist. */
  warn?: WarningSink;
}

/** A loaded configuration and where it came from. */
export interface LoadedConfig {
  /** The configuration. */
  config: PgConfig;
  /** The file read, or `null` when the defaults apply. */
  path: string | null;
  /** The directory workflow paths are relative to. */
  base: string;
}

/**
 * The format of a config file, by its extension: `.jsonc` and `.json` are
 * JSON with comments, anything else is TOML.
 *
 * @param path The file name.
 * @returns The format.
 */
export function configFormatOf(path: string): ConfigFormat {
  return /\.jsonc?$/i.test(path) ? "jsonc" : "toml";
}

/**
 * Loads the configuration. With `configPath` the file must exist and the
 * config base is its directory. Otherwise the root is the base and holds
 * `phase-golem.jsonc` or `phase-golem.toml`; when both exist the `.jsonc`
 * file wins and a warning names the other; when neither exists the defaults
 * apply (validated like a file).
 *
 * @param fs File system.
 * @param options Root, explicit path and warning sink.
 * @returns The configuration, its file and base directory.
 * @throws {ConfigError} `NotFound`, `Read`, `Parse` or `Invalid`.
 */
export async function loadConfig(
  fs: FileSystem,
  options: LoadConfigOptions,
): Promise<LoadedConfig> {
  if (options.configPath !== undefined) {
    const path = options.configPath;
    const text = await readText(fs, path);
    if (text === null) throw new ConfigError("NotFound", path, []);
    return {
      config: await parseConfigText(text, { format: configFormatOf(path), path }),
      path,
      base: dirname(path),
    };
  }
  const root = options.root;
  const jsoncPath = join(root, JSONC_CONFIG_NAME);
  const tomlPath = join(root, TOML_CONFIG_NAME);
  const jsonc = await readText(fs, jsoncPath);
  if (jsonc !== null) {
    if ((await fs.stat(tomlPath)) !== null) {
      options.warn?.(
        `Both ${JSONC_CONFIG_NAME} and ${TOML_CONFIG_NAME} exist in ${root}; using ${JSONC_CONFIG_NAME} and ignoring ${TOML_CONFIG_NAME}`,
      );
    }
    return {
      config: await parseConfigText(jsonc, { format: "jsonc", path: jsoncPath }),
      path: jsoncPath,
      base: root,
    };
  }
  const toml = await readText(fs, tomlPath);
  if (toml !== null) {
    return {
      config: await parseConfigText(toml, { format: "toml", path: tomlPath }),
      path: tomlPath,
      base: root,
    };
  }
  return { config: defaultConfig(), path: null, base: root };
}

async function readText(fs: FileSystem, path: string): Promise<string | null> {
  let bytes: Uint8Array | null;
  try {
    bytes = await fs.readFile(path);
  } catch (e) {
    throw new ConfigError("Read", path, [(e as Error).message], { cause: e });
  }
  if (bytes === null) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (e) {
    throw new ConfigError("Read", path, ["stream did not contain valid UTF-8"], { cause: e });
  }
}
