/** What completion fills for each kind is declared in its schema (`default`), so editors and the reference show it. */
import { kinds } from '../../../src/kinds/registry.js';
import { readSchema, schemaFiles, taskKinds } from '../../../src/manifest/schemas.js';

type Spec = { properties: { spec: { properties: Record<string, { default?: unknown }> } } };

describe("ZeroOps' defaults of each kind", () => {
  it.each(taskKinds)('%s: are the `default`s of its schema', (kind) => {
    const fields = (readSchema(schemaFiles[kind]) as Spec).properties.spec.properties;
    const declared = Object.entries(fields).filter(([, field]) => field.default !== undefined);
    expect(Object.fromEntries(declared.map(([name, field]) => [name, field.default]))).toEqual(
      kinds[kind].defaults.spec,
    );
  });
});
