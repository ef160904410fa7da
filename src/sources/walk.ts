import type { Dirent } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import picomatch from "picomatch";
import { kindFromName } from "./classify.js";
import type { Problem } from "./location.js";
import { describeFsError, fileType } from "./read.js";
import { RENDER_MARKERS, type RenderKind, type RenderSource } from "./render.js";

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

export interface WalkOptions {
  /**
   * `--exclude` globs (picomatch, dotfiles included), matched against the path relative to the folder
   * walked; a glob without a slash matches a name anywhere (`*.tpl.yaml`); an excluded folder is not entered.
   */
  exclude?: readonly string[];
}

function excluder(globs: readonly string[]): (path: string) => boolean {
  if (globs.length === 0) return () => false;
  const matchers = globs.map((g) => picomatch(g, { dot: true, basename: !g.includes("/") }));
  return (path) => {
    const posix = path.split(sep).join("/");
    return matchers.some((m) => m(posix));
  };
}

/** What a walk found: files to read (regular, by name of a kind the tool reads), in a stable order. */
export interface WalkResult {
  files: string[];
  problems: Problem[];
  /** Helm charts and kustomize folders: rendered, not read file by file (`render.ts`). */
  renders: RenderSource[];
}

/**
 * Lists the files under `root` that the tool may read, depth first in name order, without recursion (a
 * deep tree cannot exhaust the stack). Only regular files are listed: a FIFO, socket or device with a
 * name the tool would read is a problem, never opened (a FIFO without a writer blocks its reader forever).
 * Symbolic links are followed while they stay inside `root` (a `k8s/current -> v2` link is how some
 * repositories name their live manifests); a link that leaves the tree or loops back into a folder being
 * walked is a problem, and a file reached twice (through a link and directly) is listed once.
 */
export async function walkTree(root: string, options: WalkOptions = {}): Promise<WalkResult> {
  const excluded = excluder(options.exclude ?? []);
  const files: string[] = [];
  const problems: Problem[] = [];
  const renders: RenderSource[] = [];
  let top: string;
  try {
    top = await realpath(root);
  } catch (error) {
    problems.push(at(root, "unreadable", `cannot read directory: ${describeFsError(error)}`));
    return { files, problems, renders };
  }
  const inside = (real: string) => real === top || real.startsWith(top.endsWith(sep) ? top : top + sep);
  const seenFiles = new Set<string>();
  const seenDirs = new Set<string>([top]);
  // Depth first in name order, as a recursive walk lists them: a stack of open folders and where each is.
  const stack: { dir: string; real: string; entries: Dirent[]; next: number }[] = [];
  const enter = async (dir: string, real: string) => {
    try {
      const entries = await readdir(dir, { withFileTypes: true });
      // A chart or kustomization is one source, rendered whole; its own files are not manifests.
      const marker = entries.find((e) => RENDER_MARKERS[e.name] !== undefined && !e.isDirectory());
      if (marker) {
        renders.push({ dir, kind: RENDER_MARKERS[marker.name] as RenderKind });
        return;
      }
      entries.sort((a, b) => a.name.localeCompare(b.name));
      stack.push({ dir, real, entries, next: 0 });
    } catch (error) {
      problems.push(at(dir, "unreadable", `cannot read directory: ${describeFsError(error)}`));
    }
  };
  const addFile = (path: string, real: string) => {
    if (seenFiles.has(real)) return;
    seenFiles.add(real);
    files.push(path);
  };
  await enter(root, top);
  while (stack.length > 0) {
    const open = stack[stack.length - 1] as (typeof stack)[number];
    const entry = open.entries[open.next++];
    if (entry === undefined) {
      stack.pop();
      continue;
    }
    const full = join(open.dir, entry.name);
    if (excluded(relative(root, full))) continue;
    const readable = kindFromName(entry.name) !== undefined && !CONFIG_FILE_NAMES.has(entry.name);
    if (entry.isDirectory()) {
      if (walked(entry.name)) {
        const real = join(open.real, entry.name);
        seenDirs.add(real);
        await enter(full, real);
      }
    } else if (entry.isFile()) {
      if (readable) addFile(full, join(open.real, entry.name));
    } else if (entry.isSymbolicLink()) {
      if (!readable && !walked(entry.name)) continue;
      const link = await followLink(full);
      if ("problem" in link) {
        if (readable || link.dir)
          problems.push(
            link.code === "symlink-loop"
              ? warning(full, link.code, link.problem)
              : at(full, link.code, link.problem),
          );
      } else if (!inside(link.real)) {
        if (readable || link.dir)
          problems.push(
            warning(
              full,
              "symlink-outside",
              `symbolic link leaves the input tree (to ${link.real}): not followed`,
            ),
          );
      } else if (link.dir) {
        if (!walked(entry.name)) continue;
        if (stack.some((s) => s.real === link.real)) {
          problems.push(
            warning(
              full,
              "symlink-loop",
              `symbolic link loops back to ${link.real}, a folder being read: not followed`,
            ),
          );
        } else if (!seenDirs.has(link.real)) {
          seenDirs.add(link.real);
          await enter(full, link.real);
        }
      } else if (link.regular) {
        if (readable) addFile(full, link.real);
      } else if (readable) {
        problems.push(at(full, "not-a-regular-file", `links to ${link.type}, not a regular file: not read`));
      }
    } else if (readable) {
      problems.push(at(full, "not-a-regular-file", `${specialType(entry)}, not a regular file: not read`));
    }
  }
  return { files, problems, renders };
}

function walked(name: string): boolean {
  return !SKIPPED_DIRS.has(name) && (!name.startsWith(".") || HIDDEN_DIRS_READ.has(name));
}

type Followed =
  | { real: string; dir: boolean; regular: boolean; type: string }
  | { problem: string; code: Problem["code"]; dir: boolean };

/** Where a symbolic link leads, by `realpath` (which fails with ELOOP on a link to itself). */
async function followLink(path: string): Promise<Followed> {
  try {
    const real = await realpath(path);
    const info = await stat(real);
    return { real, dir: info.isDirectory(), regular: info.isFile(), type: fileType(info) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP")
      return {
        problem: "symbolic link loops (too many levels): not followed",
        code: "symlink-loop",
        dir: true,
      };
    if (code === "ENOENT")
      return { problem: "broken symbolic link: its target does not exist", code: "unreadable", dir: false };
    return {
      problem: `cannot follow symbolic link: ${describeFsError(error)}`,
      code: "unreadable",
      dir: false,
    };
  }
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

/** Reported, but the rest of the tree was read: a link the walk did not follow does not make the run exit 2. */
function warning(file: string, code: Problem["code"], message: string): Problem {
  return { ...at(file, code, message), severity: "warning" };
}
