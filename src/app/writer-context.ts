/** What a language model is told of the ops repo: its services, tasks and templates, by name. */
import type { LoadedDocuments } from '../manifest/load.js';
import type { WriterContext } from '../nl/task-writer.js';

export function writerContext(repo: LoadedDocuments): WriterContext {
  return {
    services: repo.services.map((s) => ({
      name: s.manifest.metadata.name,
      datacenters: s.manifest.spec.datacenters.map((d) => d.name),
    })),
    tasks: repo.tasks.map((t) => ({
      name: t.manifest.metadata.name,
      kind: t.manifest.kind,
      service: t.manifest.metadata.service,
      ...((t.manifest.spec as { version?: string }).version
        ? { version: (t.manifest.spec as { version: string }).version }
        : {}),
    })),
    templates: repo.templates.map((t) => ({
      name: t.manifest.metadata.name,
      kind: t.manifest.spec.kind,
      versions: t.manifest.spec.versions.map((v) => v.version),
    })),
  };
}
