/** The preflight of a schema change, on the engine its plan acts on. */
import type { SchemaPreflight } from '../app/ports.js';
import { mysqlPreflight } from './mysql/preflight.js';
import { postgresPreflight } from './postgres/preflight.js';

export const databasePreflight: SchemaPreflight = {
  inspect: (target, providers) =>
    (target.engine === 'mysql' ? mysqlPreflight : postgresPreflight).inspect(target, providers),
};
