import { formatDiagnostic } from '../../../src/manifest/diagnostic.js';
import { loadDocuments } from '../../../src/manifest/load.js';

const service =
  'apiVersion: zeroops.dev/v1\nkind: Service\nmetadata: { name: x }\nspec: { owners: [a], environments: [p], datacenters: [{ name: d }] }\n';

describe('where documents may live', () => {
  it('keeps governing documents out of tasks/, and tasks out of services/', () => {
    const loaded = loadDocuments([
      { path: 'tasks/evil.yaml', text: service },
      {
        path: 'services/t.yaml',
        text: 'apiVersion: zeroops.dev/v1\nkind: Restart\nmetadata: { name: x, service: y }\nspec: {}\n',
      },
      { path: 'templates/c.yaml', text: 'apiVersion: zeroops.dev/v1\nkind: Config\nspec: {}\n' },
    ]);
    expect(loaded.diagnostics.map(formatDiagnostic)).toEqual([
      'tasks/evil.yaml:2:7 error kind: a Service does not belong in tasks/: expected a task here; move it to services/',
      'services/t.yaml:2:7 error kind: a Restart does not belong in services/: only Service documents go here; move it to tasks/',
      'templates/c.yaml:2:7 error kind: a Config does not belong in templates/: only Template documents go here; move it to .zeroops/config.yaml',
    ]);
    expect([loaded.services, loaded.tasks, loaded.configs]).toEqual([[], [], []]);
  });

  it('leaves files outside the layout (given on the command line) alone', () => {
    expect(loadDocuments([{ path: 'elsewhere/svc.yaml', text: service }]).services).toHaveLength(1);
  });
});
