/**
 * A runbook people already have, as a Markdown SOP in sops/, read into a proposed template by its
 * headings and lists: the kind (a `Kind:` line, else the operation it names), steps, the pause
 * between them, the checks that gate them and the approval it asks for. What it cannot read is
 * listed for the reviewer, never guessed. Pure.
 */
import { taskKinds, type TaskKind } from '../manifest/schemas.js';
import { nameOf } from '../manifest/name-of.js';
import { firstVersion, type TemplateProposal } from './template-proposals.js';

export interface SopReading {
  proposal?: TemplateProposal;
  /** Lines that say something this reader does not turn into a setting. */
  unread: string[];
  problem?: string;
}

const kindWords: [RegExp, TaskKind][] = [
  [/\bcanary\b|灰度|金丝雀/i, 'Rollout'],
  [/\b(drain|failover|traffic|weights?)\b|切流|流量/i, 'TrafficShift'],
  [/\brestart\b|重启/i, 'Restart'],
  [/\bscal(e|ing)\b|扩容|缩容/i, 'Scale'],
  [/\b(schema|column|migration)\b|表结构|字段/i, 'SchemaChange'],
  [/\bconfig(uration)?\b|配置/i, 'ConfigUpdate'],
];

const gateLine =
  /([a-z][a-z0-9_]*)\s*(?:<=|≤|<|below|under|at most|不超过|低于|小于)\s*(\d+(?:\.\d+)?\s*(?:%|ms|s|m)?)/i;

/** The template an SOP becomes is named after its file: sops/Drain DC.md → drain-dc. */
export const sopName = (path: string) => nameOf(/([^/]+)\.md$/i.exec(path)?.[1] ?? '') || undefined;

export function sopTemplate(path: string, markdown: string): SopReading {
  const name = sopName(path);
  if (!name) return { unread: [], problem: `${path}: an SOP is a Markdown file named like sops/drain-datacenter.md` };
  const lines = markdown.split('\n');
  const title =
    lines
      .find((l) => /^#\s+/.test(l))
      ?.replace(/^#\s+/, '')
      .trim() ?? name;
  const declared = /^\s*[-*]?\s*\**kind\**\s*:\s*\**\s*([A-Za-z]+)/im.exec(markdown)?.[1];
  const kind = (taskKinds as readonly string[]).includes(declared ?? '')
    ? (declared as TaskKind)
    : (kindWords.find(([words]) => words.test(title))?.[1] ?? kindWords.find(([words]) => words.test(markdown))?.[1]);
  if (!kind)
    return {
      unread: [],
      problem:
        `${path}: which kind of task is this SOP? ` + `Add a line \`Kind: TrafficShift\` (or ${taskKinds.join(', ')})`,
    };
  const defaults: Record<string, unknown> = {};
  const unread: string[] = [];
  let section = '';
  const analysis: { metric: string; max: string }[] = [];
  for (const line of lines) {
    const heading = /^#{2,6}\s+(.*)$/.exec(line);
    if (heading) {
      section = heading[1]!.toLowerCase();
      continue;
    }
    const item = /^\s*(?:[-*]|\d+\.)\s+(.*)$/.exec(line)?.[1]?.trim();
    if (!item || /^\**kind\**\s*:/i.test(item)) continue;
    if (readItem(kind, section, item, defaults, analysis)) continue;
    unread.push(item);
  }
  if (analysis.length) defaults.analysis = analysis;
  if (Object.keys(defaults).length === 0)
    return { unread, problem: `${path}: no steps, interval, checks or approval could be read from it` };
  return {
    proposal: firstVersion({
      name,
      kind,
      description: title,
      versionDescription: `From ${path}`,
      defaults,
      why: `the SOP ${path} ("${title}") read as a ${kind} template`,
      identity: `sop:${path}:${markdown}`,
    }),
    unread,
  };
}

/** One list item into the defaults; false when it says nothing this reader knows. */
function readItem(
  kind: TaskKind,
  section: string,
  item: string,
  defaults: Record<string, unknown>,
  analysis: { metric: string; max: string }[],
): boolean {
  const gate = gateLine.exec(item);
  if (gate && /check|gate|metric|analysis|verify|监控|检查|指标/.test(section + item)) {
    analysis.push({ metric: gate[1]!.toLowerCase(), max: gate[2]!.replace(/\s+/g, '') });
    return true;
  }
  const percents = [...item.matchAll(/(\d+(?:\.\d+)?)\s*%/g)].map((m) => `${m[1]}%`);
  if (kind === 'Rollout' && /step|stage|步|阶段/.test(section + item) && percents.length) {
    defaults.steps = [...((defaults.steps as string[]) ?? []), ...percents];
    return true;
  }
  const count = /(\d+)\s*(?:steps|increments|步)/i.exec(item);
  if (kind === 'TrafficShift' && count) {
    defaults.steps = Number(count[1]);
    return true;
  }
  const batch = /(\d+)\s*(?:instances?|at a time|个实例|台)/i.exec(item);
  if (kind === 'Restart' && batch && /batch|at a time|每批|一次/.test(item)) {
    defaults.batchSize = Number(batch[1]);
    return true;
  }
  const wait = /(?<![\d.])(\d+(?:\.\d+)?)\s*(seconds?|sec|s|minutes?|min|m|hours?|h|秒|分钟|小时)(?![a-z])/i.exec(item);
  if (wait && /wait|hold|pause|apart|between|interval|间隔|等待|观察/.test(item)) {
    const unit = wait[2]!.toLowerCase();
    defaults.interval = `${wait[1]}${/^(h|hour|小时)/.test(unit) ? 'h' : /^(m|min|分)/.test(unit) ? 'm' : 's'}`;
    return true;
  }
  const approvals = /(\d+|one|two|一|两)\s*(?:approvals?|reviewers?|people|人审批|个审批)/i.exec(item);
  if (/approv|review|审批/.test(section + item) && (approvals || /owner|负责人/.test(item))) {
    const n = approvals
      ? (({ one: 1, two: 2, 一: 1, 两: 2 } as Record<string, number>)[approvals[1]!.toLowerCase()] ??
        Number(approvals[1]))
      : 1;
    defaults.approval = { required: n, ...(/owner|负责人/.test(item) ? { owners: true } : {}) };
    return true;
  }
  return false;
}
