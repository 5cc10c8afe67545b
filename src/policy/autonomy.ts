/**
 * Autonomy: how far ZeroOps may go on its own with a remediation of a given kind, from the config.
 * observe: only record; suggest: propose a manifest in a PR; confirm: run after a person's
 * `/zeroops approve-step`; auto: run at once. Pure.
 */
import type { Config } from '../manifest/model.js';

export type Autonomy = 'observe' | 'suggest' | 'confirm' | 'auto';

export function autonomyFor(config: Config | undefined, kind: string): Autonomy {
  const autonomy = config?.spec.autonomy;
  return (autonomy?.kinds?.[kind] as Autonomy | undefined) ?? (autonomy?.default as Autonomy | undefined) ?? 'suggest';
}
