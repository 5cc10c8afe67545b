/** The HTTP API's plumbing: the bearer token compared in constant time, a body read within its limit, JSON out. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What every handler of the API answers: a status and a JSON body. */
export interface Answer {
  status: number;
  body: object;
}

export const bodyLimit = 1_000_000;

/**
 * Hashed first, so neither the comparison's time nor its length check tells anything about the
 * token. The scheme's name is case-insensitive (RFC 7235); the token is not.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  const given = /^bearer (.*)$/i.exec(header ?? '')?.[1] ?? '';
  return timingSafeEqual(digest(`token:${given}`), digest(`token:${token}`)) && given.length > 0;
}

/** The body as text; undefined when it is over `limit` bytes (the rest is read and dropped, so the answer arrives). */
export async function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  if (Number(req.headers['content-length'] ?? 0) > limit) {
    req.resume();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  return size > limit ? undefined : Buffer.concat(chunks).toString('utf8');
}

export function send(res: ServerResponse, { status, body }: Answer): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
