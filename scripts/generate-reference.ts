// Writes docs/reference.md (`npm run docs:reference`); a test fails when the committed file is stale.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { referenceInput, referencePath } from './reference/inputs.js';
import { renderReference } from './reference/reference.js';

await mkdir(dirname(referencePath), { recursive: true });
await writeFile(referencePath, renderReference(referenceInput()));
console.log(`wrote ${referencePath}`);
