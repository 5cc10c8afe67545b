/**
 * What went wrong while answering, as an answer: GitHub away (or rate-limiting) is a 503 worth trying
 * again; GitHub refusing is said in plain words. Never a stack trace, a URL or a header.
 */
import { ForgeError, type ForgeErrorCode } from '../../forge/forge.js';

type Failure = { status: number; body: { error: string } };

const statuses: Record<ForgeErrorCode, number> = {
  unavailable: 503,
  not_found: 404,
  conflict: 409,
  invalid: 409,
  forbidden: 502,
};

/** Undefined for a fault of ZeroOps itself (answered 500, and logged). */
export function failureAnswer(error: unknown): Failure | undefined {
  if (error instanceof ForgeError) return { status: statuses[error.code], body: { error: error.message } };
  // Octokit's own errors, thrown before our adapter translates (an installation token, a tree read).
  const { status, response } = error as { status?: unknown; response?: unknown };
  if (typeof status !== 'number') return undefined;
  if (!response || status >= 500 || status === 429)
    return { status: 503, body: { error: 'GitHub could not be reached or is busy: try again later' } };
  if (status === 404)
    return { status: 404, body: { error: "GitHub does not know the repository, or ZeroOps' installation on it" } };
  return { status: 502, body: { error: `GitHub refused the request of ZeroOps (${status})` } };
}
