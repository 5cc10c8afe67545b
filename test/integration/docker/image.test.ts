/**
 * The image and compose.yaml, read as Docker reads them (no base image can be pulled here): a non-root
 * user, /data a volume it owns and the data directory, the compiled CLI as entrypoint, native modules
 * built, what the template's scripts need, and compose wiring ZeroOps, a worker, Redis and PostgreSQL.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { all, dockerfileStages, environment, imageCommand, last } from '../../support/dockerfile.js';

const [build, runtime] = dockerfileStages();
// Compose applies YAML merge keys (<<: *zeroops).
const compose = parse(readFileSync(new URL('../../../compose.yaml', import.meta.url), 'utf8'), { merge: true });
const buildConfig = JSON.parse(readFileSync(new URL('../../../tsconfig.build.json', import.meta.url), 'utf8'));

describe('Dockerfile', () => {
  it('builds native modules: the full Debian image, install scripts run, development dependencies pruned', () => {
    expect(build!.image).toMatch(/^node:\d+-bookworm$/);
    const runs = all(build!, 'RUN').join('\n');
    expect(runs).toMatch(/\bnpm ci\b/);
    expect(runs).not.toContain('--ignore-scripts');
    expect(runs).toMatch(/npm run build && npm prune --omit=dev/);
    expect(runtime!.image).toBe(build!.image.replace('bookworm', 'bookworm-slim'));
  });

  it('runs the compiled CLI as the user node, with /data a volume it owns and the data directory', () => {
    expect(last(runtime!, 'USER')).toBe('node');
    expect(last(runtime!, 'WORKDIR')).toBe('/app');
    expect(all(runtime!, 'VOLUME')).toEqual(['["/data"]']);
    expect(all(runtime!, 'RUN')).toContain('mkdir /data && chown node:node /data');
    expect(environment(runtime!)).toMatchObject({ ZEROOPS_DATA_DIR: '/data', HOST: '0.0.0.0', PORT: '3000' });
    // `npm run build` compiles src/ into dist/ (tsconfig.build.json): src/main/cli.ts is dist/main/cli.js.
    expect(buildConfig.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    expect(imageCommand(runtime!)).toEqual(['node', 'dist/main/cli.js', 'start']);
    expect(all(runtime!, 'COPY')).toEqual([
      '--from=build /app/node_modules ./node_modules',
      '--from=build /app/dist ./dist',
      'package.json app.yml ./', // "type": "module" and the version; the App manifest for setup
      'schemas ./schemas', // read at run time, beside dist/
    ]);
    expect(last(runtime!, 'HEALTHCHECK')).toContain('/healthz');
  });

  it("has what the template's scripts use: sh (Debian's) and curl", () => {
    const scripts = ['restart-instance.sh', 'set-config.sh'].map((name) =>
      readFileSync(new URL(`../../../ops-repo-template/scripts/${name}`, import.meta.url), 'utf8'),
    );
    expect(scripts.every((s) => s.startsWith('#!/bin/sh\n'))).toBe(true);
    expect(scripts.join('\n')).toMatch(/\bcurl\b/);
    expect(all(runtime!, 'RUN').join('\n')).toMatch(/apt-get install -y --no-install-recommends curl ca-certificates/);
  });

  it('keeps credentials out of the build context', () => {
    const ignored = readFileSync(new URL('../../../.dockerignore', import.meta.url), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['zeroops.env', '*.pem', '.zeroops-data', 'node_modules']));
  });
});

describe('compose.yaml', () => {
  it('brings ZeroOps, a worker, Redis and PostgreSQL up together, wired', () => {
    const { zeroops, worker, redis, postgres } = compose.services;
    expect(Object.keys(compose.services).sort()).toEqual(['postgres', 'redis', 'worker', 'zeroops']);
    expect(zeroops.command).toEqual(['start']);
    expect(worker.command).toEqual(['worker']);
    for (const service of [zeroops, worker]) {
      expect(service.build).toBe('.');
      expect(service.env_file).toBe('zeroops.env');
      expect(service.environment).toMatchObject({
        REDIS_URL: 'redis://redis:6379',
        DATABASE_URL: 'postgres://zeroops:${POSTGRES_PASSWORD:-zeroops}@postgres:5432/zeroops',
        PRIVATE_KEY_PATH: '/run/secrets/zeroops-private-key',
      });
      expect(service.secrets).toEqual(['zeroops-private-key']);
      expect(service.depends_on).toEqual({
        redis: { condition: 'service_healthy' },
        postgres: { condition: 'service_healthy' },
      });
      expect(service.volumes).toEqual([expect.stringMatching(/^[a-z-]+:\/data$/)]);
    }
    expect(zeroops.volumes).not.toEqual(worker.volumes);
    expect(worker.healthcheck).toEqual({ disable: true });
    expect(zeroops.ports).toEqual(['3000:3000']);
    expect(redis.image).toMatch(/^redis:/);
    expect(postgres.image).toMatch(/^postgres:/);
    expect(postgres.environment).toMatchObject({ POSTGRES_USER: 'zeroops', POSTGRES_DB: 'zeroops' });
    expect(postgres.volumes).toEqual(['postgres-data:/var/lib/postgresql/data']);
    expect(compose.secrets['zeroops-private-key']).toEqual({ file: './zeroops.private-key.pem' });
    expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(['postgres-data', 'zeroops-data']));
  });
});
