/**
 * The offline reader of requests, in English and Chinese: the common operations (a canary's share,
 * draining and restoring a datacenter, restart, scale, rolling a version back) by their verbs, and
 * the service, datacenter, version, percentage and replica count they name. It never guesses: two
 * operations in one request, or a negation, is a question back.
 */
import type { Intent, IntentAction, Reading, Vocabulary } from './intent.js';
import { versionWords } from './versions.js';

const actions: { action: IntentAction; en: RegExp; zh: RegExp }[] = [
  {
    action: 'canary',
    en: /\b(canary|canaries|gr[ae]y release|rollout)\b/i,
    zh: /灰度|金丝雀/,
  },
  {
    action: 'drain',
    en: new RegExp(
      '\\b(drain|evacuate|fail ?over (?:from|away)|take\\b.*\\bout of (?:service|rotation)|' +
        '(?:move|shift|cut) (?:all )?traffic (?:away )?(?:off|from|out of))\\b',
      'i',
    ),
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

/** Words that turn a request around: it is asked back, never done. */
const negation = {
  en: /\b(don['’]?t|do not|never|not|no need|no longer|stop|without|undo|cancel)\b|n['’]t\b/i,
  zh: /不要|不用|不需|无需|不必|不能|别|禁止|勿|停止|取消|暂不|撤销/,
};

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
  // "roll back the v1.2 canary" and "restart all 6 replicas": the noun says what to act on, not what
  // to do. With a number of its own ("... to 5%", "scale to 10") it is a second operation: asked back.
  if (found.includes('canary') && found.includes('rollback') && percentsIn(words).length === 0)
    found = found.filter((a) => a !== 'canary');
  if (found.includes('scale') && found.includes('restart') && !/\bscal|扩容|缩容|\d+\s*(?:replicas?|副本)/i.test(words))
    found = found.filter((a) => a !== 'scale');
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
  const intent = intentOf(found[0]!, words, mentions);
  if ('question' in intent) return { understood: false, question: intent.question };
  return { understood: true, intent, language };
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
  // A bare decimal ("12.5") is a version only where the words speak of versions and it is not a share.
  const versions = [...words.matchAll(versionWords)]
    .map((m) => m[0])
    .filter((v) => /^v/i.test(v) || /\d+\.\d+\.\d+/.test(v) || /版本|version/i.test(words));
  if (services.length > 1)
    return { versions, problem: `this names ${services.join(' and ')}: which service? One per request` };
  if (datacenters.length > 1)
    return { versions, problem: `this names ${datacenters.join(' and ')}: which datacenter? One per request` };
  return { service: services[0], datacenter: datacenters[0], versions };
}

function intentOf(action: IntentAction, words: string, m: Mentions): Intent | { question: string } {
  const service = m.service ? { service: m.service } : {};
  const datacenter = m.datacenter ? { datacenter: m.datacenter } : {};
  switch (action) {
    case 'canary': {
      const percent = percentIn(words);
      if (percent === 'ambiguous') return { question: 'which share is the canary to reach? Say "to 20%"' };
      if (m.versions.length > 1) return { question: `which version: ${m.versions.join(' or ')}?` };
      return { action, ...service, ...optional('version', m.versions[0]), ...optional('percent', percent) };
    }
    case 'drain':
    case 'restore':
    case 'restart':
      return { action, ...service, ...datacenter };
    case 'scale': {
      const replicas = replicasIn(words);
      if (replicas === 'relative')
        return {
          question: 'to how many replicas in all? "add 2" could mean several totals: say "scale checkout to 6"',
        };
      return { action, ...service, ...datacenter, ...optional('replicas', replicas) };
    }
    case 'rollback': {
      // "roll back to v1.1" names the target; "roll back v1.2" the version to leave.
      const target = new RegExp(`(?:\\bto\\b|至|到)\\s*(${versionWords.source})`, 'i').exec(words)?.[1];
      const from = m.versions.filter((v) => v !== target);
      if (from.length > 1) return { question: `which version is to go: ${from.join(' or ')}?` };
      return { action, ...service, ...optional('version', from[0]), ...optional('toVersion', target) };
    }
  }
}

/** Every share written with digits: `20%`, `20 %`, `20 percent` (`百分之二十` is not read). */
function percentsIn(words: string): number[] {
  return [...words.matchAll(/(\d+(?:\.\d+)?)\s*(?:%|％|percent\b|per cent\b)/gi)].map((m) => Number(m[1]));
}

/** The share asked for: the only one, or the one after "to"/至/到/为; two without one is ambiguous. */
function percentIn(words: string): number | 'ambiguous' | undefined {
  const all = percentsIn(words);
  if (all.length <= 1) return all[0];
  const target = /(?:\bto\b|至|到|为|成)\s*(\d+(?:\.\d+)?)\s*(?:%|％|percent\b|per cent\b)/i.exec(words);
  return target ? Number(target[1]) : 'ambiguous';
}

/** The replica count asked for: after "to"/到/至, else the one number of replicas; "add 2" is relative. */
function replicasIn(words: string): number | 'relative' | undefined {
  const target = /(?:\bto\b|至|到|为)\s*(\d+)(?!\s*[%％.\d])/i.exec(words);
  if (target) return Number(target[1]);
  if (
    /\b(add|more|another|extra|by|remove|fewer|less)\b|增加|加|多|减少|减/i.test(words) ||
    /(扩容|缩容)\s*\d/.test(words)
  )
    return 'relative';
  const count = /(\d+)\s*(?:replicas?|instances?|pods?|copies|个副本|个实例|副本|实例|台)/i.exec(words);
  return count ? Number(count[1]) : undefined;
}

const optional = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
