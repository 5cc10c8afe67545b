/** Parse files, recognise each document's kind and validate it against its schema (pass one). */
import type { Diagnostic } from './diagnostic.js';
import type { Config, Loaded, LoadedTask, Service, Template } from './model.js';
import { checkSchema } from './schema-check.js';
import { documentKinds, isDocumentKind, isTaskKind } from './schemas.js';
import { loadYaml, type SourceDocument } from './source.js';
import { didYouMean } from './suggest.js';

export interface ManifestFile {
  path: string;
  text: string;
}

export interface LoadedDocuments {
  configs: Loaded<Config>[];
  services: Loaded<Service>[];
  templates: Loaded<Template>[];
  tasks: LoadedTask[];
  diagnostics: Diagnostic[];
}

export function loadDocuments(files: readonly ManifestFile[]): LoadedDocuments {
  const out: LoadedDocuments = { configs: [], services: [], templates: [], tasks: [], diagnostics: [] };
  for (const file of files) {
    const { documents, diagnostics } = loadYaml(file.path, file.text);
    out.diagnostics.push(...diagnostics);
    for (const doc of documents) classify(doc, out);
  }
  return out;
}

function classify(doc: SourceDocument, out: LoadedDocuments): void {
  const kindProblem = checkKind(doc);
  if (kindProblem) {
    out.diagnostics.push(kindProblem);
    return;
  }
  const kind = (doc.value as { kind: string }).kind;
  if (!isDocumentKind(kind)) return;
  const problems = checkSchema(doc, kind);
  out.diagnostics.push(...problems);
  if (problems.length > 0) return;
  const loaded = { doc, manifest: doc.value } as never;
  if (kind === 'Config') out.configs.push(loaded);
  else if (kind === 'Service') out.services.push(loaded);
  else if (kind === 'Template') out.templates.push(loaded);
  else if (isTaskKind(kind)) out.tasks.push(loaded);
}

function checkKind(doc: SourceDocument): Diagnostic | undefined {
  const base = { file: doc.file, severity: 'error' as const, rule: 'known-kind' };
  if (typeof doc.value !== 'object' || doc.value === null || Array.isArray(doc.value)) {
    return { ...base, ...doc.at([]), field: '(document)', message: 'expected a mapping with apiVersion, kind, metadata and spec' };
  }
  const kind = (doc.value as { kind?: unknown }).kind;
  if (kind === undefined) {
    return { ...base, ...doc.at([]), field: 'kind', message: `'kind' is required: one of ${documentKinds.join(', ')}` };
  }
  if (!isDocumentKind(kind)) {
    return { ...base, ...doc.at(['kind']), field: 'kind', message: `unknown kind '${String(kind)}'${didYouMean(String(kind), documentKinds)}` };
  }
  return undefined;
}
