/**
 * Questions over the case library, in English or Chinese: "which tasks hit Redis errors in the
 * last three months?", "最近两周有哪些回滚的任务？". The period, whether runs or incidents are
 * meant, an outcome, and the remaining words as terms every match must contain. Pure.
 */
import type { CaseRecord } from './case-record.js';
import type { IncidentRecord } from './incident-record.js';

export interface Question {
  sinceSeconds: number;
  /** `runs`, `incidents`, or both when the question does not say. */
  about: 'runs' | 'incidents' | 'both';
  status?: 'rolled_back' | 'failed' | 'succeeded';
  terms: string[];
}

const numbers: Record<string, number> = {
  one: 1,
  a: 1,
  an: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  couple: 2,
  few: 3,
  several: 3,
  一: 1,
  两: 2,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
  十: 10,
};
/** 一 to 九十九 as people write spans of time: 十二, 二十, 三十五. */
function chinese(text: string): number | undefined {
  const digit = (c?: string) => (c ? numbers[c] : undefined);
  const match = /^([一两二三四五六七八九])?(十)?([一二三四五六七八九])?$/.exec(text);
  if (!match || text === '') return undefined;
  if (!match[2]) return digit(match[1]);
  return (digit(match[1]) ?? 1) * 10 + (digit(match[3]) ?? 0);
}

const units: Record<string, number> = {
  day: 86_400,
  days: 86_400,
  天: 86_400,
  日: 86_400,
  week: 604_800,
  weeks: 604_800,
  周: 604_800,
  星期: 604_800,
  个星期: 604_800,
  month: 2_592_000,
  months: 2_592_000,
  个月: 2_592_000,
  月: 2_592_000,
  year: 31_536_000,
  years: 31_536_000,
  年: 31_536_000,
};

/** Chinese words a question's terms are found by, in the records' English. */
const glossary: Record<string, string> = {
  错误: 'error',
  报错: 'error',
  超时: 'timeout',
  延迟: 'latency',
  泄漏: 'leak',
  内存: 'memory',
  重启: 'restart',
  扩容: 'scale',
  数据库: 'schema',
  流量: 'traffic',
};

const stopwords = new Set(
  (
    'which what who when where how did do does were was is are the a an in on of for to with by any all ' +
    'last past this since over during tasks task runs run incidents incident had have has hit got get show me ' +
    'list find our that there those these ever them it they from and or months month weeks week days day years year'
  ).split(' '),
);

export function parseQuestion(text: string): Question {
  const lower = text.toLowerCase();
  const halfYear = /half a year|半年/.test(lower);
  const period =
    /(?:last|past|previous)\s+(?:(\d+|[a-z]+)\s+)?(?:of\s+)?(days?|weeks?|months?|years?)/.exec(lower) ??
    /(?:最近|过去|近)\s*(\d+|[一两二三四五六七八九十]{1,3})?\s*(天|日|个星期|星期|周|个月|月|年)/.exec(text);
  const amount = period ? (period[1] ? Number(period[1]) || numbers[period[1]] || chinese(period[1]) || 1 : 1) : 0;
  const sinceSeconds = halfYear ? 6 * units.months! : period ? amount * units[period[2]!]! : 90 * 86_400;
  const about = /\bincidents?\b|故障|事故|告警/.test(lower)
    ? 'incidents'
    : /\b(tasks?|runs?|releases?|rollouts?)\b|任务|发布|变更/.test(lower)
      ? 'runs'
      : 'both';
  const status = /rolled back|roll ?backs?|回滚/.test(lower)
    ? 'rolled_back'
    : /\bfail(ed|ures?)?\b|失败/.test(lower)
      ? 'failed'
      : /\bsucceeded|successful\b|成功/.test(lower)
        ? 'succeeded'
        : undefined;
  const withoutPeriod = (period ? lower.replace(period[0].toLowerCase(), ' ') : lower).replace(
    /rolled back|roll ?backs?|\bfail(ed|ures?)?\b|\bsucceeded|successful\b/g,
    ' ',
  );
  const terms = (withoutPeriod.match(/[a-z0-9_][a-z0-9_.-]*|[\u4e00-\u9fff]+/g) ?? []).flatMap((w) =>
    /^[\u4e00-\u9fff]+$/.test(w) ? chineseTerms(w) : stopwords.has(w) ? [] : [w],
  );
  return { sinceSeconds, about, ...(status ? { status } : {}), terms };
}

const chineseTerms = (run: string) =>
  Object.keys(glossary)
    .filter((w) => run.includes(w))
    .map((w) => glossary[w]!);

/** `errors` finds `error_rate`; `timeouts` finds `timeout`. */
const stem = (word: string) =>
  word.length > 4 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;

export interface Answer {
  question: Question;
  since: string;
  runs: CaseRecord[];
  incidents: IncidentRecord[];
}

export function answer(
  question: Question,
  cases: readonly CaseRecord[],
  incidents: readonly IncidentRecord[],
  now: Date,
): Answer {
  const since = new Date(+now - question.sinceSeconds * 1000).toISOString();
  const matches = (text: string) => question.terms.every((t) => text.toLowerCase().includes(stem(t)));
  const runs =
    question.about === 'incidents'
      ? []
      : cases.filter(
          (c) =>
            (c.finishedAt ?? c.startedAt) >= since &&
            (!question.status || c.status === question.status) &&
            matches(caseText(c)),
        );
  const found =
    question.about === 'runs' || question.status
      ? []
      : incidents.filter((i) => i.detectedAt >= since && matches(incidentText(i)));
  return { question, since, runs, incidents: found };
}

const caseText = (c: CaseRecord) =>
  [c.task, c.kind, c.service, c.version, c.template, c.status, c.reason, ...c.breaches.map((b) => b.metric)].join(' ');
const incidentText = (i: IncidentRecord) =>
  [i.title, i.cause, i.service, i.severity, ...i.fixes.map((f) => f.option)].join(' ');

export function renderAnswer(a: Answer): string {
  const what = a.question.terms.length ? ` mentioning ${a.question.terms.map((t) => `“${t}”`).join(' and ')}` : '';
  const head = `${a.runs.length} run(s) and ${a.incidents.length} incident(s)${what} since ${a.since.slice(0, 10)}`;
  if (a.runs.length + a.incidents.length === 0) return `${head}.`;
  const lines = [`${head}:`, ''];
  if (a.runs.length)
    lines.push(
      '| Run | Task | Ended | Why |',
      '|---|---|---|---|',
      ...a.runs
        .slice(0, 20)
        .map(
          (c) =>
            `| #${c.pullNumber} | \`${c.task}\` (${c.kind}, ${c.service}) | ` +
            `${c.status.replace('_', ' ')} ${(c.finishedAt ?? '').slice(0, 10)} | ${whyOf(c)} |`,
        ),
    );
  if (a.incidents.length)
    lines.push(
      ...(a.runs.length ? [''] : []),
      '| Incident | Cause | Detected | State |',
      '|---|---|---|---|',
      ...a.incidents
        .slice(0, 20)
        .map((i) => `| #${i.issueNumber} | ${i.title ?? i.cause} | ${i.detectedAt.slice(0, 10)} | ${i.state} |`),
    );
  return lines.join('\n');
}

function whyOf(c: CaseRecord): string {
  const breach = c.breaches.at(-1);
  return breach ? `\`${breach.metric}\` at \`${breach.step}\`` : (c.reason ?? '—').replace(/\|/g, '\\|').slice(0, 120);
}
