import { writeFile } from 'node:fs/promises';
import { generateSchemaTypes, generatedTypesPath } from './schema-types.js';

await writeFile(generatedTypesPath, await generateSchemaTypes());
console.log(`wrote ${generatedTypesPath}`);
