/**
 * Where things are in a user's file, and what could not be read there. The lowest layer: every parser
 * returns these, and every layer above reports them; this file imports nothing of ours.
 */

/** A place in a user's file. Lines and columns are 1-based, as editors and SARIF count them. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  /** Helm's `# Source: chart/templates/x.yaml` for rendered input, when the document carried one. */
  helmSource?: string;
}

/** Input that could not be read or understood. Never thrown: collected and reported with exit code 2. */
export interface Problem extends SourceLocation {
  code: ProblemCode;
  message: string;
  /**
   * `warning`: the input was read, but something about it stays unknown until the user says (two
   * Dockerfiles could build one image). Reported like any problem; it does not make the run exit 2.
   */
  severity?: "warning";
}

export type ProblemCode =
  | "unreadable"
  | "binary"
  | "too-large"
  /** A FIFO, socket or device: a walk never opens one (a FIFO with no writer blocks its reader). */
  | "not-a-regular-file"
  /** A symbolic link in a walk that leads out of the folder given, or back into a folder being read. */
  | "symlink-outside"
  | "symlink-loop"
  /** A Helm chart or kustomize folder whose renderer is not on PATH (or failed). */
  | "unrendered"
  | "empty"
  | "unknown-file-type"
  | "yaml-syntax"
  | "not-an-object"
  | "invalid-field"
  | "config-syntax"
  | "dockerfile-syntax"
  /** Two or more Dockerfiles could build a container's image: the tool will not pick one by chance. */
  | "ambiguous-dockerfile"
  | "bad-option";

/** A value read from a user's file, with where it was written. */
export interface Located<T> {
  value: T;
  loc: SourceLocation;
}
