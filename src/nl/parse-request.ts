/**
 * The offline reader of requests, in English and Chinese: the common operations (a canary's share,
 * draining and restoring a datacenter, restart, scale, rolling a version back) by their verbs, and
 * the service, datacenter, version, percentage and replica count they name. It never guesses: two
 * operations in one request, or a negation, is a question back.
 */
import type { Intent, IntentAction, Reading, Vocabulary } from './intent.js';

const actions: { action: IntentAction; en: RegExp; zh: RegExp }[] = [
  {
    action: 'canary',
    en: /\b(canary|canaries|gr[ae]y release|rollout)\b/i,
    zh: /灰度|金丝雀/,
  },
  {
    action: 'drain',
    en: /\b(drain|evacuate|fail ?over (?:from|away)|take\b.*\bout of (?:service|rotation)|(?:move|shift|cut) (?:all )?traffic (?:away )?(?:off|from|out of))\b/i,
    zh: /切走|切出|摘除|摘掉|排空|下线|迁走|把流量切/,
  },
  {
    action: 'restore',
    en: /\b(restore|undrain|fail ?back|warm(?:s|ed)? up|bring\b.*\bback|put\b.*\bback|re-?enable)\b/i,
    zh: /恢复|切回|回切|重新上线|重新接入/,
  },
  { action: 'restart', en: /\b(restart|reboot|bounce)\b/i, zh: /重启/ },
  { action: 'scale', en: /\b(scale|replicas?)\b/i, zh: /扩容|缩容|副本|实例数/ },
  { action: 'rollback', en: /\b(roll ?back|roll [\w.-]+ back|revert)\b/i, zh: /回滚|回退/ },
];

const negation = { en: /\b(don'?t|do not|never|not|no longer|stop)\b/i, zh: /不要|别|禁止|勿|停止/ };

const said: Record<IntentAction, string> = {
  canary: 'change a canary’s share',
  drain: 'drain a datacenter',
  restore: 'bring a datacenter back',
  restart: 'restart',
  scale: 'scale',
  rollback: 'roll a version back',
};

export function parseRequest(text: string, vocabulary: Vocabulary): Reading {
  const words = text.trim();
  const language = /[\u4e00-\u9fff]/.test(words) ? 'zh' : 'en';
  let found = actions.filter((a) => a.en.test(words) || a.zh.test(words)).map((a) => a.action);
  // "roll back the v1.2 canary" and "restart all 6 replicas": the verb says what to do, the noun what to.
  if (found.includes('canary') && found.includes('rollback')) found = found.filter((a) => a !== 'canary');
  if (found.includes('scale') && found.includes('restart')) found = found.filter((a) => a !== 'scale');
  if (found.length === 0) return { understood: false };
  if (negation.en.test(words) || negation.zh.test(words))
    return {
      understood: false,
      question: 'this reads as something not to do: say what to do, e.g. `restart checkout`',
    };
  if (found.length > 1)
    return {
      understood: false,
      question: `this could mean ${found.map((a) => said[a]).join(' or ')}: which one? Ask for one operation at a time`,
    };
  const mentions = mentioned(words, vocabulary);
  if (mentions.problem) return { understood: false, question: mentions.problem };
  return { understood: true, intent: intentOf(found[0]!, words, mentions), language };
}

interface Mentions {
  service?: string;
  datacenter?: string;
  versions: string[];
  problem?: string;
}

/** The service, datacenter and versions named; two of a kind is a question. */
function mentioned(words: string, vocabulary: Vocabulary): Mentions {
  const named = (names: string[]) =>
    names.filter((name) => new RegExp(`(^|[^\\w-])${escape(name)}($|[^\\w-])`, 'i').test(words));
  const services = named(vocabulary.services);
  const datacenters = named(vocabulary.datacenters);
  const versions = [...words.matchAll(/(?<![\w.])v?(\d+\.\d+(?:\.\d+)?(?:-[\w.]+)?)(?![\w.]*%)/gi)]
    .map((m) => m[0])
    .filter((v) => !/^\d+\.\d+$/.test(v) || /v/i.test(v) || /版本|version/i.test(words));
  if (services.length > 1)
    return { versions, problem: `this names ${services.join(' and ')}: which service? One per request` };
  if (datacenters.length > 1)
    return { versions, problem: `this names ${datacenters.join(' and ')}: which datacenter? One per request` };
  return { service: services[0], datacenter: datacenters[0], versions };
}

function intentOf(action: IntentAction, words: string, m: Mentions): Intent {
  const service = m.service ? { service: m.service } : {};
  const datacenter = m.datacenter ? { datacenter: m.datacenter } : {};
  switch (action) {
    case 'canary':
      return { action, ...service, ...optional('version', m.versions[0]), ...optional('percent', percentIn(words)) };
    case 'drain':
    case 'restore':
      return { action, ...service, ...datacenter };
    case 'restart':
      return { action, ...service, ...datacenter };
    case 'scale':
      return { action, ...service, ...datacenter, ...optional('replicas', replicasIn(words)) };
    case 'rollback': {
      // "roll back to v1.1" names the target; "roll back v1.2" the version to leave.
      const to = /(?:\bto\b|至|到)\s*(v?\d+\.\d+(?:\.\d+)?)/i.exec(words)?.[1];
      const from = m.versions.find((v) => v !== to);
      return { action, ...service, ...optional('version', from), ...optional('toVersion', to) };
    }
  }
}

/** `20%`, `20 %`, `20 percent`, `百分之二十` is not read: digits only. */
function percentIn(words: string): number | undefined {
  const match = /(\d+(?:\.\d+)?)\s*(?:%|％|percent\b|per cent\b)/i.exec(words);
  return match ? Number(match[1]) : undefined;
}

function replicasIn(words: string): number | undefined {
  const match =
    /(\d+)\s*(?:replicas?|instances?|pods?|copies|个副本|个实例|副本|实例|台)/i.exec(words) ??
    /(?:\bto\b|至|到)\s*(\d+)(?!\s*[%％.\d])/i.exec(words);
  return match ? Number(match[1]) : undefined;
}

const optional = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
