/** HTTP calls to CI systems and ChatOps: JSON body, HMAC-SHA256 signature, retries with backoff. */
import { createHmac } from 'node:crypto';

export interface WebhookCall {
  url: string;
  body: unknown;
  /** Signs the body: header `X-ZeroOps-Signature-256: sha256=<hex>`. */
  secret?: string;
  retries?: number;
  timeoutMs?: number;
  /** An id the receiver can use to drop repeats, stable across retries. */
  idempotencyKey?: string;
}

export interface WebhookOutcome {
  status: number;
  attempts: number;
  body: string;
}

export class WebhookError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    readonly status?: number,
  ) {
    super(message);
  }
}

export async function callWebhook(
  call: WebhookCall,
  sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)),
): Promise<WebhookOutcome> {
  const text = JSON.stringify(call.body);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'ZeroOps' };
  if (call.secret)
    headers['x-zeroops-signature-256'] = `sha256=${createHmac('sha256', call.secret).update(text).digest('hex')}`;
  if (call.idempotencyKey) headers['idempotency-key'] = call.idempotencyKey;
  const attempts = (call.retries ?? 3) + 1;
  let last = '';
  let lastStatus: number | undefined;
  let tried = 0;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    tried = attempt;
    try {
      const response = await fetch(call.url, {
        method: 'POST',
        body: text,
        headers,
        signal: AbortSignal.timeout(call.timeoutMs ?? 10_000),
      });
      const body = await response.text();
      if (response.ok) return { status: response.status, attempts: attempt, body };
      [last, lastStatus] = [`${response.status} ${body.slice(0, 200)}`, response.status];
      if (response.status < 500 && response.status !== 429) break; // the receiver said no: retrying will not help
    } catch (error) {
      last = (error as Error).message;
    }
    if (attempt < attempts) await sleep(Math.min(8000, 250 * 2 ** (attempt - 1)));
  }
  throw new WebhookError(`webhook ${new URL(call.url).host} failed: ${last}`, tried, lastStatus);
}
