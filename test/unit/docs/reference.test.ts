/** docs/reference.md is generated from schemas/ and the code: it must not drift, and the schemas must say enough. */
import { readFile } from 'node:fs/promises';
import { fieldsOf } from '../../../scripts/reference/fields.js';
import { referenceInput, referencePath } from '../../../scripts/reference/inputs.js';
import { renderReference } from '../../../scripts/reference/reference.js';

const input = referenceInput();
const everyField = input.documents.flatMap((d) =>
  fieldsOf(d.schema, input.defs, d.requiredLater).map((field) => ({ ...field, at: `${d.kind} ${field.path}` })),
);

describe('the reference', () => {
  it('is up to date with schemas/ and the code', async () => {
    const committed = await readFile(referencePath, 'utf8').catch(() => '');
    const generated = renderReference(input);
    if (committed === generated) return;
    const [was, willBe] = [committed.split('\n'), generated.split('\n')];
    let line = 0;
    while (was[line] === willBe[line]) line++;
    throw new Error(
      `docs/reference.md is stale: run \`npm run docs:reference\` and commit it.\n` +
        `line ${line + 1} is\n  ${was[line] ?? '(the end)'}\nbut would be\n  ${willBe[line] ?? '(the end)'}`,
    );
  });

  it('describes every field a person can write', () => {
    expect(everyField.filter((f) => !f.description).map((f) => f.at)).toEqual([]);
  });

  it('gives an example of every field a value is written into', () => {
    expect(everyField.filter((f) => f.leaf && !f.example).map((f) => f.at)).toEqual([]);
  });
});
