import { basename, extname } from "node:path";

/** The kinds of file the model reads. */
export type SourceKind = "kubernetes" | "dockerfile" | "fpm-conf" | "php-ini" | "nginx-conf";

/** `Dockerfile.prod` is a Dockerfile; `dockerfile.ts` is code about Dockerfiles. */
const CODE_EXTENSIONS = new Set([
  ".ts",
  ".js",
  ".mjs",
  ".cjs",
  ".md",
  ".txt",
  ".json",
  ".yaml",
  ".yml",
  ".py",
  ".go",
  ".sh",
  ".map",
]);

/** The kind a file's name says; `conf` means "php-fpm or nginx, look inside". */
export function kindFromName(path: string): SourceKind | "conf" | undefined {
  const name = basename(path).toLowerCase();
  const ext = extname(name);
  if (
    name === "dockerfile" ||
    name === "containerfile" ||
    (/^(dockerfile|containerfile)\.[a-z0-9_-]+$/.test(name) && !CODE_EXTENSIONS.has(ext)) ||
    ext === ".dockerfile"
  ) {
    return "dockerfile";
  }
  if (ext === ".yaml" || ext === ".yml" || ext === ".json") return "kubernetes";
  if (ext === ".ini") return "php-ini";
  if (ext === ".conf") return "conf";
  return undefined;
}

/**
 * Tells php-fpm, nginx, php.ini, YAML and Dockerfiles apart by what they contain (a file without a telling
 * name, `-` on stdin). A Dockerfile's first instruction is FROM or ARG; a manifest has `apiVersion:` or
 * `kind:` at the start of a line; both are settled before the config syntaxes, since a manifest or a
 * Dockerfile may embed an nginx `server {` block or a php-fpm `[www]` section in its text.
 */
export function kindFromContent(text: string, hint: "conf" | undefined): SourceKind | undefined {
  const head = text.slice(0, 65536);
  if (hint === undefined) {
    if (/^(FROM|ARG)\s+\S/i.test(firstInstruction(head)) && /^\s*FROM\s+\S/im.test(head)) return "dockerfile";
    if (/^(apiVersion|kind)\s*:/m.test(head)) return "kubernetes";
    if (/^\s*[[{]/.test(head) && /"apiVersion"/.test(head)) return "kubernetes";
  }
  if (/^\s*\[[A-Za-z0-9_.$-]+\]\s*$/m.test(head) && /^\s*[a-z_.[\]]+\s*=/m.test(head)) {
    return /^\s*\[PHP\]\s*$/m.test(head) ? "php-ini" : "fpm-conf";
  }
  if (/\b(server|http|location|upstream|events)\s*[^;{]*\{/.test(head) || /^\s*fastcgi_pass\s/m.test(head)) {
    return "nginx-conf";
  }
  if (/^\s*(process_control_timeout|pm|listen|include)\s*=/m.test(head)) return "fpm-conf";
  if (hint === undefined && /^\s*(apiVersion|kind)\s*:/m.test(head)) return "kubernetes";
  return undefined;
}

/** The first line of a Dockerfile that is not blank, a comment or a parser directive. */
function firstInstruction(head: string): string {
  for (const line of head.split("\n", 200)) {
    const trimmed = line.trim();
    if (trimmed !== "" && !trimmed.startsWith("#")) return trimmed;
  }
  return "";
}
