/** GitHub's failures in our words: a ForgeError with a code and what GitHub said, never a stack or a URL. */
import { ForgeError, type ForgeErrorCode } from '../forge.js';

interface Failure {
  status?: number;
  message?: string;
  response?: { data?: unknown; headers?: Record<string, string | number | undefined> };
}

interface GitHubMessage {
  message?: string;
  errors?: (string | { message?: string; resource?: string; field?: string; code?: string })[];
}

/** Run `work`, turning whatever it throws into a ForgeError saying what we could not do. */
export async function translated<T>(doing: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asForgeError(error, doing);
  }
}

function asForgeError(error: unknown, doing: string): ForgeError {
  if (error instanceof ForgeError) return error;
  const failure = error as Failure;
  // Octokit throws without a response when GitHub could not be reached at all.
  if (!failure.response) return new ForgeError('unavailable', `could not ${doing}: GitHub could not be reached`);
  return new ForgeError(codeOf(failure), `could not ${doing}: GitHub answered ${failure.status}: ${said(failure)}`);
}

function codeOf({ status, response, message }: Failure): ForgeErrorCode {
  if (status === 404 || status === 410) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 400 || status === 422) return 'invalid';
  // Rate limits (primary: no requests left; secondary: GitHub says so) pass with time.
  const limited = response?.headers?.['x-ratelimit-remaining'] === '0' || /rate limit/i.test(message ?? '');
  if (status === 429 || (status === 403 && limited)) return 'unavailable';
  if (status === 401 || status === 403) return 'forbidden';
  return 'unavailable';
}

function said({ response, message }: Failure): string {
  const data = response?.data as GitHubMessage | undefined;
  if (!data?.message) return message ?? 'no reason given';
  const details = (data.errors ?? []).map((e) =>
    typeof e === 'string' ? e : (e.message ?? [e.resource, e.field, e.code].filter(Boolean).join(' ')),
  );
  return [data.message, ...details.filter(Boolean)].join('; ');
}
