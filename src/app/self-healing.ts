/**
 * The self-healing step: after a remediation that worked, ZeroOps proposes — as a pull request
 * reviewed like any change to the config — to let it run that remediation on its own next time,
 * for this class of cause and this service only. Offered once per incident, and not when the
 * policy already lets it.
 */
import { isMap, isSeq, parseDocument, visit, type Node } from 'yaml';
import type { Incident } from '../engine/store.js';
import { autonomyFor } from '../policy/autonomy.js';
import { kindOf } from '../patrol/remediation-task.js';
import { record, repoOf, type IncidentDeps } from './patrol-incidents.js';
import type { PatrolContext } from './remediate.js';

const configPath = '.zeroops/config.yaml';

export async function offerSelfHealing(
  deps: IncidentDeps,
  incident: Incident,
  option: string,
  ctx: PatrolContext,
): Promise<void> {
  const patrol = incident.patrol!;
  const query = {
    kind: kindOf(option as never),
    service: patrol.service,
    class: patrol.cause.class,
    remediation: option,
  };
  if (patrol.selfHealingPull || autonomyFor(ctx.config, query) === 'auto') return;
  const current = await deps.forge.readFile(ctx.repo, configPath, ctx.sha);
  const config = parseDocument(current ?? 'apiVersion: zeroops.dev/v1\nkind: Config\nspec: {}\n');
  const rules = (config.getIn(['spec', 'autonomy', 'rules']) as { toJSON(): unknown[] } | undefined)?.toJSON() ?? [];
  const rule = { service: patrol.service, class: patrol.cause.class, remediation: option, level: 'auto' };
  config.setIn(['spec', 'autonomy', 'rules'], [rule, ...rules]);
  // Written as a person would: the edited block in block style, whatever style the file used there.
  visit(config.getIn(['spec', 'autonomy'], true) as Node, (_key, node) => {
    if (isMap(node) || isSeq(node)) node.flow = false;
  });
  const pull = await deps.forge.proposeChange(ctx.repo, {
    branch: `zeroops/autonomy-${patrol.service}-${patrol.cause.class}-${option}`,
    title: `Let ZeroOps ${option} ${patrol.service} on its own for a ${patrol.cause.class}`,
    body: [
      `In #${incident.issueNumber}, **${option}** fixed a ${patrol.cause.class} of ${patrol.service}, ` +
        'verified afterwards.',
      '',
      `Merging this adds one autonomy rule: next time ZeroOps runs ${option} itself for this class of cause on this service, and says so on the incident; everything else keeps needing a person.`,
      '',
      'It changes `.zeroops/config.yaml`, so it needs the approval a policy change needs.',
    ].join('\n'),
    files: { [configPath]: config.toString() },
  });
  const offered: Incident = { ...incident, patrol: { ...patrol, selfHealingPull: pull.number } };
  await record(
    deps,
    offered,
    'self-healing-offered',
    `#${pull.number} would let ZeroOps ${option} on its own next time`,
  );
  await deps.forge.comment(
    repoOf(incident),
    incident.issueNumber,
    `#${pull.number} proposes to let ZeroOps run **${option}** on its own next time this happens to ${patrol.service} (review it like any config change).`,
  );
}
