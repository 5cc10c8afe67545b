/** YAML loading that keeps source positions, so every finding points at the line a person edits. */
import { LineCounter, parseAllDocuments, isMap, isPair, isScalar, isSeq, type Node, type Document } from 'yaml';
import type { Diagnostic, Path } from './diagnostic.js';

export interface Position {
  line: number;
  col: number;
}

export interface SourceDocument {
  file: string;
  /** The file the value at `path` was written in, when it is not `file` (a completed task's template values). */
  fileOf?(path: Path): string;
  /** Zero-based index of the document in a multi-document file. */
  index: number;
  value: unknown;
  /** Where the value (or, with `key`, the key) at `path` is; the nearest existing ancestor if absent. */
  at(path: Path, target?: 'key' | 'value'): Position;
  /** Where the character at `offset` inside the string scalar at `path` is. */
  inScalar(path: Path, offset: number): Position;
}

export interface LoadedFile {
  documents: SourceDocument[];
  diagnostics: Diagnostic[];
}

const maxAliasCount = 100; // a "billion laughs" file must not exhaust memory

export function loadYaml(file: string, text: string): LoadedFile {
  const lineCounter = new LineCounter();
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return {
      documents: [],
      diagnostics: [
        {
          file,
          line: 1,
          col: 1,
          severity: 'error',
          field: 'yaml',
          rule: 'yaml-syntax',
          message: 'the file nests too deeply to read: a manifest needs a few levels, not thousands',
        },
      ],
    };
  }
  const diagnostics: Diagnostic[] = [];
  const documents: SourceDocument[] = [];
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, index) => {
    const problems = [...doc.errors, ...doc.warnings.filter((w) => w.code !== 'TAB_AS_INDENT')];
    for (const problem of problems) {
      const { line, col } = lineCounter.linePos(problem.pos[0]);
      diagnostics.push({
        file,
        line,
        col,
        severity: doc.errors.includes(problem) ? 'error' : 'warning',
        field: 'yaml',
        message: describeYamlProblem(problem.message),
        rule: 'yaml-syntax',
      });
    }
    if (doc.errors.length > 0 || doc.contents === null) return;
    const value = toValue(doc, file, lineCounter, diagnostics);
    if (value === undefined) return;
    documents.push(sourceDocument(file, index, doc, value, lineCounter, text));
  });
  return { documents, diagnostics };
}

function toValue(doc: Document, file: string, lineCounter: LineCounter, diagnostics: Diagnostic[]): unknown {
  const { line, col } = lineCounter.linePos(doc.contents?.range?.[0] ?? 0);
  const fail = (message: string) =>
    void diagnostics.push({ file, line, col, severity: 'error', field: 'yaml', message, rule: 'yaml-syntax' });
  try {
    const value = doc.toJS({ maxAliasCount });
    if (!containsItself(value)) return value;
    fail('an alias (*name) points back into the mapping that holds it: a manifest cannot contain itself');
  } catch (error) {
    fail(
      error instanceof RangeError ? 'the document nests too deeply to read' : plainYamlError((error as Error).message),
    );
  }
  return undefined;
}

function containsItself(value: unknown, path = new Set<unknown>()): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (path.has(value)) return true;
  path.add(value);
  const found = Object.values(value).some((child) => containsItself(child, path));
  path.delete(value);
  return found;
}

/** The YAML library's words for its limits, in a person's. */
function plainYamlError(message: string): string {
  if (/alias count|Excessive alias/i.test(message))
    return 'too many aliases (*name): the file expands to far more than it shows, so it is not read';
  return describeYamlProblem(message);
}

function describeYamlProblem(message: string): string {
  if (/Maximum call stack/i.test(message))
    return 'the file nests too deeply to read: a manifest needs a few levels, not thousands';
  const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  return first.endsWith('.') ? first.slice(0, -1) : first;
}

function sourceDocument(
  file: string,
  index: number,
  doc: Document,
  value: unknown,
  lines: LineCounter,
  text: string,
): SourceDocument {
  const position = (offset: number): Position => lines.linePos(offset);
  return {
    file,
    index,
    value,
    at(path, target = 'value') {
      const found = walk(doc.contents as Node, path);
      const node = target === 'key' && found.key ? found.key : found.node;
      return position(node?.range?.[0] ?? 0);
    },
    inScalar(path, offset) {
      const { node } = walk(doc.contents as Node, path);
      if (!isScalar(node) || !node.range) return position(node?.range?.[0] ?? 0);
      const found = wordInSource(node as Node & { range: [number, number, number] }, offset, text);
      return found === undefined ? scalarOffsetPosition(node, offset, position, text.split('\n')) : position(found);
    },
  };
}

interface Found {
  node: Node | null;
  key: Node | null;
}

function walk(root: Node | null, path: Path): Found {
  let found: Found = { node: root, key: null };
  for (const segment of path) {
    const { node } = found;
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair) return found;
      found = { node: (pair.value as Node | null) ?? (pair.key as Node), key: pair.key as Node };
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment]) {
      found = { node: node.items[segment] as Node, key: null };
    } else {
      return found;
    }
  }
  return found;
}

/**
 * Where the word at `offset` of a scalar's value is in the file: its k-th occurrence in the value is
 * its k-th in the scalar's source. Folded lines (`>`) and escapes (`"…\n…"`) change what a value's
 * line is, but not its words. Undefined when the word is not found as such (then lines are counted).
 */
function wordInSource(node: Node & { range: [number, number, number] }, offset: number, text: string) {
  const value = String((node as { value?: unknown }).value ?? '');
  const word = /^[^\s"'\\]{1,24}/.exec(value.slice(offset))?.[0];
  if (!word) return undefined;
  let nth = 0;
  for (let at = value.indexOf(word); at >= 0 && at < offset; at = value.indexOf(word, at + 1)) nth++;
  const source = text.slice(node.range[0], node.range[1]);
  let at = source.indexOf(word);
  for (let i = 0; i < nth && at >= 0; i++) at = source.indexOf(word, at + 1);
  return at >= 0 ? node.range[0] + at : undefined;
}

/** Block scalars (`|`, `>`) start on the next line, indented; flow scalars may be quoted. */
function scalarOffsetPosition(
  node: Node & { type?: string; range?: [number, number, number] | null },
  offset: number,
  position: (offset: number) => Position,
  sourceLines: string[],
): Position {
  const start = position(node.range![0]);
  const text = String((node as { value?: unknown }).value ?? '');
  const before = text.slice(0, offset);
  const lineIndex = before.split('\n').length - 1;
  const colInLine = offset - (before.lastIndexOf('\n') + 1);
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
    const firstContent = sourceLines.slice(start.line).find((line) => line.trim() !== '') ?? '';
    const indent = firstContent.length - firstContent.trimStart().length;
    return { line: start.line + 1 + lineIndex, col: indent + colInLine + 1 };
  }
  const quote = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0;
  return lineIndex === 0
    ? { line: start.line, col: start.col + quote + colInLine }
    : { line: start.line + lineIndex, col: colInLine + 1 };
}
