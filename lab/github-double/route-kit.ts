/** What the double's routes share: their context, their replies, and GitHub's ways of paging and refusing. */
import type { DoubleState } from './state.js';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface RouteContext {
  state: DoubleState;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Json;
  /** A webhook this write sets off, sent by the app's bot after the reply, as GitHub does. */
  webhook(event: string, action: string, fields: Json): void;
}

export type Reply = [status: number, body: unknown];
export type Handler = (ctx: RouteContext) => Promise<Reply> | Reply;

const documentation_url = 'https://docs.github.com/rest';

export const notFound: Reply = [404, { message: 'Not Found', documentation_url }];

export const unprocessable = (message: string, errors?: Json[]): Reply => [
  422,
  { message, ...(errors ? { errors } : {}), documentation_url },
];

/** GitHub pages lists: per_page (default 30) and page (from 1). */
export function page<T>(items: T[], query: URLSearchParams): T[] {
  const perPage = Number(query.get('per_page') ?? 30);
  const n = Number(query.get('page') ?? 1);
  return items.slice((n - 1) * perPage, n * perPage);
}

/** Label names from a request, which may give names or label objects. */
export const labelNames = (labels: (string | { name?: string })[] = []): string[] =>
  labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean);
