import type { Dirent } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { kindFromName } from "./classify.js";
import type { Problem } from "./location.js";
import { describeFsError } from "./read.js";

const SKIPPED_DIRS = new Set(["node_modules", ".git", "vendor", "dist"]);
/**
 * Hidden folders are skipped (`.git`, `.github`, editors' state), except those where repositories keep
 * their images and deployments: `.docker/php.dockerfile` (drevops/vortex), `.docker/Dockerfile.fpm`.
 */
const HIDDEN_DIRS_READ = new Set([
  ".docker",
  ".deploy",
  ".k8s",
  ".kube",
  ".kubernetes",
  ".helm",
  ".build",
  ".lagoon",
]);
const CONFIG_FILE_NAMES = new Set([".fpm-graceful.yaml", ".fpm-graceful.yml"]);

/** What a walk found: files to read (regular, by name of a kind the tool reads), in a stable order. */
export interface WalkResult {
  files: string[];
  problems: Problem[];
}

/**
 * Lists the files under `root` that the tool may read, depth first in name order, without recursion (a
 * deep tree cannot exhaust the stack). Only regular files are listed: a FIFO, socket or device with a
 * name the tool would read is a problem, never opened (a FIFO without a writer blocks its reader forever).
 */
export async function walkTree(root: string): Promise<WalkResult> {
  const files: string[] = [];
  const problems: Problem[] = [];
  // Depth first in name order, as a recursive walk lists them: a stack of open folders and where each is.
  const stack: { dir: string; entries: Dirent[]; next: number }[] = [];
  const enter = async (dir: string) => {
    try {
      const entries = await readdir(dir, { withFileTypes: true });
      entries.sort((a, b) => a.name.localeCompare(b.name));
      stack.push({ dir, entries, next: 0 });
    } catch (error) {
      problems.push(at(dir, "unreadable", `cannot read directory: ${describeFsError(error)}`));
    }
  };
  await enter(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as (typeof stack)[number];
    const entry = top.entries[top.next++];
    if (entry === undefined) {
      stack.pop();
      continue;
    }
    const full = join(top.dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name) && (!entry.name.startsWith(".") || HIDDEN_DIRS_READ.has(entry.name)))
        await enter(full);
    } else if (entry.isFile()) {
      if (!CONFIG_FILE_NAMES.has(entry.name) && kindFromName(entry.name) !== undefined) files.push(full);
    } else if (!entry.isSymbolicLink() && kindFromName(entry.name) !== undefined) {
      problems.push(at(full, "not-a-regular-file", `${specialType(entry)}, not a regular file: not read`));
    }
  }
  return { files, problems };
}

function specialType(entry: Dirent): string {
  if (entry.isFIFO()) return "a FIFO (named pipe)";
  if (entry.isCharacterDevice()) return "a character device";
  if (entry.isBlockDevice()) return "a block device";
  if (entry.isSocket()) return "a socket";
  return "not a regular file";
}

function at(file: string, code: Problem["code"], message: string): Problem {
  return { file, line: 1, column: 1, code, message };
}
