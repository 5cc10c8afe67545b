/**
 * The connection URL of a database a run changes: only through the environment variable the run's
 * config names for it (never a URL written in the repo), and never repeated in an error.
 */
import { EffectError } from '../../engine/ports.js';

type DatabaseProviders = Partial<
  Record<'postgres' | 'mysql', { databases?: Record<string, { url?: { env?: string } }> }>
>;

export function databaseUrl(
  providers: unknown,
  database: string,
  env = process.env,
  provider: 'postgres' | 'mysql' = 'postgres',
): string {
  const configured = (providers as DatabaseProviders | undefined)?.[provider]?.databases?.[database];
  const variable = configured?.url?.env;
  if (!variable)
    throw new EffectError(
      `no connection for database '${database}': add spec.providers.${provider}.databases.${database}.url.env to ` +
        `.zeroops/config.yaml`,
      false,
    );
  const url = env[variable];
  if (!url)
    throw new EffectError(`${variable} is not set on this worker: database '${database}' is unreachable`, false);
  return url;
}
