/**
 * The remediation actions and the numbers a text names, so prose from a language model can be held
 * to the brief: it may name only the actions the diagnosis offered and only numbers the brief has.
 * Matching is by words, and errs on the side of finding an action: a false find only means the
 * template prose is used. Pure.
 */

const actions: [name: string, ...patterns: RegExp[]][] = [
  ['roll back', /\broll(?:s|ed|ing)?[\s-]*back\b|\brollbacks?\b/i, /\brevert|\bdowngrad/i],
  ['restart', /\brestart|\breboot|\bbounc(?:e|ing)\b|\brecycl/i],
  [
    'scale',
    /\bscal(?:e|es|ed|ing)[\s-]*(?:up|out|down|in)\b|\bautoscal/i,
    /\badd(?:ing)? (?:more )?(?:replicas|instances)/i,
  ],
  ['drain', /\bdrain|\bevacuat|\bout of rotation/i],
  ['shift traffic', /\b(?:shift|mov|rerout|redirect|divert)\w* (?:\w+ )?traffic/i, /\bfail(?:ing|s)?[\s-]?over\b/i],
  [
    'deploy a fix',
    /\bredeploy|\bhot[\s-]?fix|\broll(?:ing)?[\s-]forward/i,
    /\bdeploy(?:ing)? (?:a |the )?(?:fix|patch)/i,
  ],
  [
    'change the configuration',
    /\b(?:chang|edit|updat|rais|increas|lower|decreas|tun)\w* (?:the |its )?(?:config|configuration)\b/i,
    /\b(?:rais|increas|lower|decreas)\w* (?:the |its )?(?:\w+ )?(?:limits?|timeouts?)\b/i,
  ],
  ['flip a feature flag', /\bfeature[\s-]flags?\b|\bkill[\s-]switch|\btoggl/i],
  ['kill', /(?<!\boom[\s-]?)\bkill(?:s|ed|ing)?\b(?![\s-]switch)|\bterminat/i],
  ['pause', /\b(?:paus|halt|freez)\w* (?:the |all )?(?:rollouts?|deploy\w*|releases?)\b/i],
];

/** The names of the remediation actions a text mentions. */
export function actionsIn(text: string): Set<string> {
  return new Set(actions.filter(([, ...patterns]) => patterns.some((p) => p.test(text))).map(([name]) => name));
}

/**
 * The numbers a text writes, normalized (`12,000` is `12000`, `05` is `5`), and the names with
 * digits in them (`sev3`, `p99`, `v1.3`), whole: the 3 of sev3 is no number a model may use.
 */
export function numbersIn(text: string): Set<string> {
  const spaced = text.replace(/(\d)T(\d)/g, '$1 $2'); // ISO times: the date and the time apart
  const names = [...spaced.matchAll(/(?<![\p{L}\d_])[\p{L}_][\p{L}_-]*\d[\p{L}\d_.-]*/gu)].map(([name]) =>
    name.replace(/[.-]+$/, '').toLowerCase(),
  );
  const versions = names.filter((name) => /^v\d/.test(name)).map((name) => normalize(name.slice(1)));
  const numbers = [...spaced.matchAll(/(?<![\p{L}\d_.,])\d+(?:[.,]\d+)*/gu)].map(([n]) => normalize(n));
  return new Set([...names, ...versions, ...numbers]);
}

function normalize(number: string): string {
  const plain = /^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(number) ? number.replace(/,/g, '') : number;
  return /^\d+(?:\.\d+)?$/.test(plain) ? String(Number(plain)) : plain;
}
