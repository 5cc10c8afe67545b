/** The TypeScript types are generated from schemas/: they must not drift. */
import { readFile } from 'node:fs/promises';
import { generateSchemaTypes, generatedTypesPath } from '../../../scripts/schema-types.js';

describe('schema types', () => {
  it('are up to date with schemas/ (run `npm run schemas:types`)', async () => {
    expect(await readFile(generatedTypesPath, 'utf8')).toEqual(await generateSchemaTypes());
  });
});
