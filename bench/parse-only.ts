/**
 * The end-to-end baseline of the `check` benchmark: a process that reads every manifest of a directory and
 * parses it with the YAML library, as `fpm-graceful check` must before it can model anything.
 *
 * @example
 *   node dist/bench/parse-only.js /tmp/corpus
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { LineCounter, parseAllDocuments } from "yaml";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: parse-only.js <directory>");
  process.exit(2);
}
let documents = 0;
for (const name of (await readdir(dir)).sort()) {
  if (!name.endsWith(".yaml")) continue;
  const text = await readFile(join(dir, name), "utf8");
  const parsed = parseAllDocuments(text, { lineCounter: new LineCounter(), prettyErrors: false });
  documents += Array.isArray(parsed) ? parsed.length : 0;
}
console.log(`${documents} documents`);
