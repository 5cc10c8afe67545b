/** A task sent to the API: its body checked field by field, and the pull request it asks for. */
import { problemsOf, readSubmission, taskRequest, type TaskSubmission } from '../../../src/app/task-submission.js';

const manifest = `apiVersion: zeroops.dev/v1
kind: Restart
metadata:
  name: restart-checkout
  service: checkout
spec:
  reason: leak
`;
const body = { repo: 'acme/ops', path: 'tasks/restart.yaml', manifest };
const fieldsOf = (given: unknown) => {
  const read = readSubmission(given);
  return 'problems' in read ? read.problems.map((p) => p.field) : [];
};

describe('reading a task sent to the API', () => {
  it('takes repo, path and manifest, and an optional title and reason', () => {
    expect(readSubmission({ ...body, reason: 'a leak' })).toEqual({
      submission: { repo: { owner: 'acme', repo: 'ops' }, path: 'tasks/restart.yaml', manifest, reason: 'a leak' },
    });
  });

  it('names each field that is missing, empty, of the wrong type or unknown', () => {
    expect(fieldsOf([body])).toEqual(['(body)']);
    expect(fieldsOf(null)).toEqual(['(body)']);
    expect(fieldsOf({ path: 'tasks/a.yaml', manifest: ' ' })).toEqual(['repo', 'manifest']);
    expect(fieldsOf({ ...body, title: 7, branch: 'main' })).toEqual(['branch', 'title']);
  });

  it('refuses a repository that is not owner/name and a path outside tasks/', () => {
    expect(fieldsOf({ ...body, repo: 'acme' })).toEqual(['repo']);
    expect(fieldsOf({ ...body, repo: 'acme/ops/x' })).toEqual(['repo']);
    for (const path of ['services/checkout.yaml', 'tasks/../.zeroops/config.yaml', 'tasks/a.txt', 'tasks/a b.yaml'])
      expect(fieldsOf({ ...body, path })).toEqual(['path']);
  });
});

describe('the pull request of a task sent to the API', () => {
  const submission: TaskSubmission = { repo: { owner: 'acme', repo: 'ops' }, path: 'tasks/restart.yaml', manifest };

  it('is on a branch of its own named after the task, titled after it, saying it came through the API', () => {
    expect(taskRequest(submission)).toEqual({
      path: 'tasks/restart.yaml',
      text: manifest,
      title: 'Task restart-checkout (via the API)',
      why: 'Sent through the ZeroOps HTTP API.',
      branch: 'zeroops/api/restart-checkout',
    });
    expect(taskRequest({ ...submission, title: 'Restart checkout', reason: 'a leak' })).toMatchObject({
      title: 'Restart checkout',
      why: 'Sent through the ZeroOps HTTP API: `a leak`',
    });
  });

  it("is named after the file's stem when the file holds no single task, in characters a branch may hold", () => {
    const broken = { ...submission, path: 'tasks/ops/Restart_Checkout!.yaml', manifest: 'kind: [' };
    expect(taskRequest(broken).branch).toBe('zeroops/api/restart-checkout');
    expect(taskRequest({ ...broken, path: 'tasks/__.yml' }).branch).toBe('zeroops/api/task');
  });
});

describe("a check's findings as the API's problems", () => {
  it('keep file, line, column and field', () => {
    const diagnostic = {
      file: 'tasks/a.yaml',
      line: 5,
      col: 12,
      severity: 'error' as const,
      field: 'metadata.service',
    };
    expect(problemsOf([{ ...diagnostic, message: 'unknown service', rule: 'service-exists' }])).toEqual([
      { file: 'tasks/a.yaml', line: 5, column: 12, field: 'metadata.service', message: 'unknown service' },
    ]);
  });
});
