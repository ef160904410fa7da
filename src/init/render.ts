import { Document, isMap, isNode, isScalar, isSeq } from "yaml";

/** A comment placed on its own line(s) before the key or list item at `path`. */
export interface YamlComment {
  path: (string | number)[];
  text: string;
}

/** One YAML document of a generated file: the object, a comment above it, and comments inside it. */
export interface GeneratedDocument {
  object: object;
  comment: string;
  comments?: YamlComment[];
}

/**
 * Renders documents as one multi-document YAML file that opens with `header` (each line becomes a `#`
 * comment). Comments are attached to the `yaml` library's nodes, so the text is always well-formed YAML.
 */
export function renderYamlFile(header: string[], documents: GeneratedDocument[]): string {
  const rendered = documents.map(({ object, comment, comments }) => {
    const doc = new Document(object);
    // On the top-level map rather than the document, so that no blank line separates it from the object.
    if (isMap(doc.contents)) doc.contents.commentBefore = prefixLines(comment);
    for (const { path, text } of comments ?? []) commentAt(doc, path, text);
    return doc.toString({ lineWidth: 0 });
  });
  return `${header.map((line) => `# ${line}`).join("\n")}\n\n${rendered.join("---\n")}`;
}

/** `yaml` writes `#` before each line of a comment; a space after it reads better. */
function prefixLines(text: string): string {
  return text
    .split("\n")
    .map((line) => ` ${line}`)
    .join("\n");
}

function commentAt(doc: Document, path: (string | number)[], text: string): void {
  const parent = doc.getIn(path.slice(0, -1), true);
  const last = path.at(-1);
  let target: unknown;
  if (isMap(parent)) target = parent.items.find((p) => isScalar(p.key) && p.key.value === last)?.key;
  else if (isSeq(parent) && typeof last === "number") target = parent.items[last];
  // A comment on a path that does not exist is a bug in the generator, not in the user's input.
  if (!isNode(target)) throw new Error(`init: no YAML node at ${path.join(".")} to comment`);
  target.commentBefore = prefixLines(text);
}
