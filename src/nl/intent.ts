/** What a person asked for, in ZeroOps' terms: the result of reading their words. Plain data. */

export type Intent =
  | { action: 'canary'; version?: string; percent?: number; service?: string }
  | { action: 'drain'; datacenter?: string; service?: string }
  | { action: 'restore'; datacenter?: string; service?: string }
  | { action: 'restart'; service?: string; datacenter?: string }
  | { action: 'scale'; replicas?: number; service?: string; datacenter?: string }
  | { action: 'rollback'; version?: string; toVersion?: string; service?: string };

export type IntentAction = Intent['action'];

/** The names a request can mention, from the ops repo: what the parser looks for in the words. */
export interface Vocabulary {
  services: string[];
  datacenters: string[];
}

export type Reading =
  | { understood: true; intent: Intent; language: 'en' | 'zh' }
  /** Words that mean two different things, or a request that says not to: a question back, never a guess. */
  | { understood: false; question: string }
  /** Nothing the parser knows: an LLM may try, when one is configured. */
  | { understood: false; question?: undefined };
