/**
 * How many approvals a plan needs, and whether an owner must be among them, from the config's policy.
 * The policy is a floor: a task may ask for more approvals, never for fewer.
 */
import type { Config } from '../manifest/model.js';
import type { ApprovalRequirement, RiskLevel } from '../plan/types.js';

export interface ApprovalSubject {
  kind: string;
  env: string;
  risk: RiskLevel;
  owners: string[];
  /** What the task itself asks for in spec.approval. */
  requested?: { required?: number; owners?: boolean };
}

const fallback = { required: 1, owner: true };

export function requiredApprovals(subject: ApprovalSubject, config: Config | undefined): ApprovalRequirement {
  const policy = config?.spec.policy ?? {};
  const rule = (policy.rules ?? []).find(
    (candidate) =>
      (candidate.env === undefined || candidate.env === subject.env) &&
      (candidate.kind === undefined || candidate.kind === subject.kind) &&
      (candidate.risk === undefined || candidate.risk.includes(subject.risk)),
  );
  const floor = rule?.required ?? policy.defaultApprovals ?? fallback.required;
  const ownerFloor = rule?.owner ?? policy.requireOwner ?? fallback.owner;
  const required = Math.max(floor, subject.requested?.required ?? 0);
  const ownerRequired = ownerFloor || subject.requested?.owners === true;
  const source = rule
    ? `policy rule for ${describeRule(rule)}`
    : config?.spec.policy
      ? 'policy default'
      : 'ZeroOps default (no policy in .zeroops/config.yaml)';
  return {
    required,
    ownerRequired,
    owners: subject.owners,
    source: required > floor ? `${source}, raised by the task` : source,
  };
}

function describeRule(rule: { env?: string; kind?: string; risk?: string[] }): string {
  const parts = [
    rule.env && `env ${rule.env}`,
    rule.kind && `kind ${rule.kind}`,
    rule.risk && `risk ${rule.risk.join('/')}`,
  ];
  return parts.filter(Boolean).join(', ') || 'every plan';
}
