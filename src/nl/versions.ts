/**
 * Versions as people write them in requests and manifests: `v1.2`, `1.2.0`, `v1.1.0-rc1`. One
 * pattern for finding them, one comparison, one notion of "the same version". Pure.
 */

/** A version in running text; the `v` is optional, a pre-release suffix is part of it. */
export const versionWords = /(?<![\w.])v?\d+\.\d+(?:\.\d+)?(?:-[0-9A-Za-z.]+)?(?![\w.]*[%％])(?![\w])/gi;

/** A full version (major.minor.patch), the kind a Rollout deploys. */
export const isFullVersion = (version: string) => /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?$/i.test(version);

const bare = (version: string) => version.replace(/^v/i, '');

/** `v1.1` means v1.1.0 or any v1.1.x; `1.1.0` means v1.1.0; a pre-release only itself. */
export function sameVersion(declared: string, asked: string): boolean {
  const [a, b] = [bare(declared), bare(asked)];
  return a === b || (!b.includes('-') && a.startsWith(`${b}.`));
}

/** Major, minor and patch compared as numbers; a pre-release sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) =>
    bare(v)
      .split('-')[0]!
      .split('.')
      .map((p) => Number(p) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return Number(!bare(a).includes('-')) - Number(!bare(b).includes('-'));
}
