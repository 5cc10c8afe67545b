/** Parse files, recognise each document's kind and validate it against its schema (pass one). */
import type { Diagnostic } from './diagnostic.js';
import { opsRepoLayout, type Config, type Loaded, type LoadedTask, type Service, type Template } from './model.js';
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
    if (documents.length === 0 && diagnostics.length === 0) {
      out.diagnostics.push({
        file: file.path,
        line: 1,
        col: 1,
        severity: 'warning',
        field: '(file)',
        rule: 'empty-file',
        message: 'the file is empty: it holds no manifest, so nothing in it is checked or planned',
      });
    }
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
  const misplaced = checkPlace(doc, kind);
  if (misplaced) {
    out.diagnostics.push(misplaced);
    return;
  }
  const problems = checkSchema(doc, kind);
  out.diagnostics.push(...problems);
  if (problems.length > 0) return;
  const loaded = { doc, manifest: doc.value } as never;
  if (kind === 'Config') out.configs.push(loaded);
  else if (kind === 'Service') out.services.push(loaded);
  else if (kind === 'Template') out.templates.push(loaded);
  else if (isTaskKind(kind)) out.tasks.push(loaded);
}

/**
 * Each folder of an ops repo holds one sort of document: what governs execution (config, services,
 * templates) must be where it is governed, never slipped into tasks/.
 */
function checkPlace(doc: SourceDocument, kind: string): Diagnostic | undefined {
  const folder = (Object.entries(opsRepoLayout) as [keyof typeof opsRepoLayout, string][]).find(
    ([, path]) => doc.file === path || (path.endsWith('/') && doc.file.startsWith(path)),
  )?.[0];
  if (!folder) return undefined;
  const expected = { config: 'Config', services: 'Service', templates: 'Template', tasks: 'a task' }[folder];
  const fits = folder === 'tasks' ? isTaskKind(kind) : kind === expected;
  if (fits) return undefined;
  const home =
    kind === 'Config'
      ? opsRepoLayout.config
      : kind === 'Service'
        ? opsRepoLayout.services
        : kind === 'Template'
          ? opsRepoLayout.templates
          : opsRepoLayout.tasks;
  return {
    file: doc.file,
    ...doc.at(['kind']),
    severity: 'error',
    field: 'kind',
    rule: 'document-place',
    message: `a ${kind} does not belong in ${opsRepoLayout[folder]}: ${folder === 'tasks' ? 'expected a task here; ' : `only ${expected} documents go here; `}move it to ${home}`,
  };
}

function checkKind(doc: SourceDocument): Diagnostic | undefined {
  const base = { file: doc.file, severity: 'error' as const, rule: 'known-kind' };
  if (typeof doc.value !== 'object' || doc.value === null || Array.isArray(doc.value)) {
    return {
      ...base,
      ...doc.at([]),
      field: '(document)',
      message: 'expected a mapping with apiVersion, kind, metadata and spec',
    };
  }
  const kind = (doc.value as { kind?: unknown }).kind;
  if (kind === undefined) {
    return { ...base, ...doc.at([]), field: 'kind', message: `'kind' is required: one of ${documentKinds.join(', ')}` };
  }
  if (!isDocumentKind(kind)) {
    return {
      ...base,
      ...doc.at(['kind']),
      field: 'kind',
      message: `unknown kind '${String(kind)}'${didYouMean(String(kind), documentKinds)}`,
    };
  }
  return undefined;
}
