/**
 * How many approvals a plan needs, and whether an owner must be among them, from the config's policy.
 * The policy is a floor: a task may ask for more approvals, never for fewer.
 */
import type { Config } from '../manifest/model.js';
import type { ApprovalRequirement, RiskLevel } from '../plan/types.js';

export interface ApprovalSubject {
  kind: string;
  /** The task's environment first, then the others sharing its targets: the strictest rule holds. */
  environments: readonly string[];
  risk: RiskLevel;
  owners: string[];
  /** What the task itself asks for in spec.approval. */
  requested?: { required?: number; owners?: boolean };
}

const fallback = { required: 1, owner: true };

export function requiredApprovals(subject: ApprovalSubject, config: Config | undefined): ApprovalRequirement {
  const policy = config?.spec.policy ?? {};
  const perEnv = subject.environments.map((env) => {
    const rule = (policy.rules ?? []).find(
      (candidate) =>
        (candidate.env === undefined || candidate.env === env) &&
        (candidate.kind === undefined || candidate.kind === subject.kind) &&
        (candidate.risk === undefined || candidate.risk.includes(subject.risk)),
    );
    return {
      env,
      rule,
      floor: rule?.required ?? policy.defaultApprovals ?? fallback.required,
      ownerFloor: rule?.owner ?? policy.requireOwner ?? fallback.owner,
    };
  });
  // The first of the strictest: the task's own environment when it is as strict as any.
  const strictest = perEnv.reduce((best, e) => (e.floor > best.floor ? e : best));
  const floor = strictest.floor;
  const ownerFloor = perEnv.some((e) => e.ownerFloor);
  const required = Math.max(floor, subject.requested?.required ?? 0);
  const ownerRequired = ownerFloor || subject.requested?.owners === true;
  const rule = strictest.rule;
  const ruleSource = rule
    ? `policy rule for ${describeRule(rule)}`
    : config?.spec.policy
      ? 'policy default'
      : 'ZeroOps default (no policy in .zeroops/config.yaml)';
  const ownerFrom = perEnv.find((e) => e.ownerFloor);
  const elsewhere = strictest.env !== subject.environments[0] || (!strictest.ownerFloor && ownerFrom);
  const shared = elsewhere
    ? ` (the strictest of ${subject.environments.join(', ')}, which share the service's targets` +
      (!strictest.ownerFloor && ownerFrom ? `; ${ownerFrom.env} asks for an owner` : '') +
      ')'
    : '';
  const source = `${ruleSource}${shared}`;
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
