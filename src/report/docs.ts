import type { RuleMeta } from "../rules/types.js";

/**
 * Where the project lives: package.json's `homepage` and `repository` say the same (a test holds them to
 * this), and every link to a rule page is built from it.
 */
export const REPOSITORY_URL = "https://github.com/fpm-graceful/fpm-graceful";

/**
 * A rule's doc page as a link that works outside this checkout (a CI log, a code-scanning alert).
 *
 * @example
 *   ruleDocUrl("prestop-kill-syntax"); // ".../blob/main/docs/rules/prestop-kill-syntax.md"
 */
export function ruleDocUrl(id: string): string {
  return `${REPOSITORY_URL}/blob/main/docs/rules/${encodeURIComponent(id)}.md`;
}

/** What `fpm-graceful rules` lists for a rule. */
export interface RuleListing {
  id: string;
  severity: RuleMeta["severity"];
  fixable: boolean;
  description: string;
  docs: string;
}

export function ruleListing(meta: RuleMeta): RuleListing {
  return {
    id: meta.id,
    severity: meta.severity,
    fixable: meta.fixable === true,
    description: meta.description,
    docs: ruleDocUrl(meta.id),
  };
}
