/**
 * A completed task as a document the rules can check: its values are the task's with the
 * template's and the service's filled in, and each value's position is where it was written, so
 * a template's `batchSize: 50` is reported on the template's line, not on the task's first one.
 */
import type { CompletedTask } from './complete.js';
import type { Path } from './diagnostic.js';
import type { LoadedTask } from './model.js';
import type { SourceDocument } from './source.js';

export function completedSource(completed: CompletedTask): LoadedTask {
  const task = completed.source;
  const manifest = {
    ...task.manifest,
    metadata: { ...task.manifest.metadata, env: completed.env },
    spec: completed.spec,
  } as LoadedTask['manifest'];
  const origin = (path: Path) =>
    path[0] === 'spec' && typeof path[1] === 'string' ? completed.origins[path[1]] : undefined;
  const mapped = (path: Path): [SourceDocument, Path] => {
    const from = origin(path);
    return from ? [from.doc, [...from.path, ...path.slice(2)]] : [task.doc, path];
  };
  const doc: SourceDocument = {
    file: task.doc.file,
    index: task.doc.index,
    value: manifest,
    fileOf: (path) => mapped(path)[0].file,
    at: (path, target) => {
      const [d, p] = mapped(path);
      return d.at(p, target);
    },
    inScalar: (path, offset) => {
      const [d, p] = mapped(path);
      return d.inScalar(p, offset);
    },
  };
  return { doc, manifest };
}
