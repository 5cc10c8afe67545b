/** The API's plumbing: the bearer token compared whole, and failures turned into answers without details. */
import { ForgeError } from '../../../src/forge/forge.js';
import { failureAnswer } from '../../../src/main/api/failures.js';
import { bearerMatches } from '../../../src/main/api/http.js';

const token = 'a-token-of-32-characters-at-least';

describe('the bearer token', () => {
  it('matches only the whole token after the Bearer scheme, whose name is case-insensitive (RFC 7235)', () => {
    expect(bearerMatches(`Bearer ${token}`, token)).toBe(true);
    expect(bearerMatches(`bearer ${token}`, token)).toBe(true);
    for (const header of [
      undefined,
      '',
      token,
      `Bearer ${token}x`,
      `Bearer ${token.slice(1)}`,
      `Basic ${token}`,
      'Bearer ',
    ])
      expect(bearerMatches(header, token)).toBe(false);
  });
});

describe('failures as answers', () => {
  it('says GitHub is away as a 503, and its refusals by what they mean', () => {
    expect(failureAnswer(new ForgeError('unavailable', 'GitHub could not be reached'))).toEqual({
      status: 503,
      body: { error: 'GitHub could not be reached' },
    });
    expect(failureAnswer(new ForgeError('conflict', 'branch taken'))?.status).toBe(409);
    expect(failureAnswer(new ForgeError('not_found', 'gone'))?.status).toBe(404);
    expect(failureAnswer(new ForgeError('forbidden', 'no permission'))?.status).toBe(502);
  });

  it("reads Octokit's own errors: no response or a 5xx is a 503; the URL and headers are not repeated", () => {
    const octokit = (status: number, response?: object) =>
      Object.assign(new Error(`request to https://x/app/installations/1/access_tokens failed`), { status, response });
    expect(failureAnswer(octokit(500))?.status).toBe(503);
    expect(failureAnswer(octokit(502, { headers: {} }))?.status).toBe(503);
    expect(failureAnswer(octokit(404, { headers: {} }))?.status).toBe(404);
    expect(failureAnswer(octokit(403, { headers: {} }))).toEqual({
      status: 502,
      body: { error: 'GitHub refused the request of ZeroOps (403)' },
    });
    expect(JSON.stringify(failureAnswer(octokit(500)))).not.toContain('https://');
  });

  it('leaves a fault of ZeroOps itself to be logged and answered 500', () => {
    expect(failureAnswer(new TypeError('x is undefined'))).toBeUndefined();
  });
});
