/** Incident prose without a model: the brief, the template sentences, the prompt, the checks on a model's answer. */
import { incidentBrief } from '../../../src/diagnose/explain/brief.js';
import { checkProse } from '../../../src/diagnose/explain/check-prose.js';
import { TemplateExplainer } from '../../../src/diagnose/explain/explainer.js';
import { promptFor } from '../../../src/diagnose/explain/prompt.js';
import { templateProse } from '../../../src/diagnose/explain/template-prose.js';
import { aDiagnosis } from '../../support/diagnosis.js';

const brief = incidentBrief(aDiagnosis());

describe('incidentBrief', () => {
  it('keeps the facts, compact: confidence in percent, long lists and texts cut', () => {
    expect(brief.cause).toMatchObject({ class: 'goroutine-leak', confidencePercent: 87 });
    expect(brief.options).toEqual(aDiagnosis().options);
    const long = incidentBrief(
      aDiagnosis({
        cause: { ...aDiagnosis().cause, evidence: Array.from({ length: 20 }, (_, i) => `e${i} ${'x '.repeat(300)}`) },
      }),
    );
    expect(long.cause.evidence).toHaveLength(8);
    expect(long.cause.evidence[0]!.length).toBeLessThanOrEqual(241);
    expect(long.cause.evidence[0]).toMatch(/x…$/);
    expect(JSON.parse(JSON.stringify(brief))).toEqual(brief);
  });
});

describe('templateProse', () => {
  it('says the symptom, the likely cause with its confidence, and where', () => {
    expect(templateProse(brief).summary).toBe(
      'Goroutines in checkout v1.3 grow by 40/s on every instance. ' +
        'Likely cause: goroutine leak in checkout v1.3 (87% confidence; checkout in prod, sev3).',
    );
  });

  it('explains the class, the evidence, what was ruled out, the change and the options', () => {
    expect(templateProse(brief).explanation).toBe(
      'Goroutines are started and never end, so memory and scheduling work grow until the process runs out. ' +
        'Evidence: goroutines in checkout v1.3 grow by 40/s on every instance; v1.2 instances stay flat. ' +
        'Ruled out: load: QPS is flat at 1,200/s; dependencies: postgres answers without errors. ' +
        'The change before it: v1.3 rolled out by run r-17 from #17. ' +
        'Options: Rolling restart of checkout v1.3 ' +
        '(frees the leaked goroutines for a while; ZeroOps may run it alone).',
    );
  });

  it('says plainly when the cause is unknown and nothing is offered', () => {
    const prose = templateProse(
      incidentBrief(
        aDiagnosis({
          cause: { class: 'unknown', title: 'Unknown', confidence: 0.2, evidence: [], ruledOut: [] },
          options: [],
          change: undefined,
        }),
      ),
    );
    expect(prose.summary).toBe('The cause is not known yet (checkout in prod, sev3).');
    expect(prose.explanation).toBe(
      'No single cause explains it with confidence; this is what was checked. ' +
        'No evidence beyond the anomaly was found. No remediation is offered: a person should look at it.',
    );
  });

  it('passes its own checks, and the template explainer says it wrote it', async () => {
    expect(checkProse(templateProse(brief), brief)).toEqual({ ok: true, prose: templateProse(brief) });
    expect(await new TemplateExplainer().explain(brief)).toEqual({ ...templateProse(brief), by: 'template' });
  });
});

describe('promptFor', () => {
  const [system, user] = promptFor(brief);

  it('is a system message with the rules and a user message with the brief as JSON', () => {
    expect(system!.role).toBe('system');
    expect(user!.role).toBe('user');
    expect(user!.content).toContain(JSON.stringify(brief, null, 2));
    expect(system!.content).toContain('{"summary": "...", "explanation": "..."}');
    expect(system!.content).toMatch(/2 to 4 sentences/);
  });

  it('forbids actions outside the options and numbers outside the brief', () => {
    expect(system!.content).toContain(
      'Recommend no action except these options, named by their titles: "Rolling restart of checkout v1.3".',
    );
    expect(system!.content).toMatch(/Mention no action outside the options/);
    expect(system!.content).toMatch(/Write no number that is not in the brief/);
    const none = promptFor(incidentBrief(aDiagnosis({ options: [] })))[0]!.content;
    expect(none).toContain('There are no options: recommend no action at all.');
  });
});

describe('checkProse', () => {
  const ok = (summary: string, explanation = 'The goroutines of v1.3 never end.') =>
    checkProse({ summary, explanation }, brief);

  it('takes prose that keeps to the brief, trimmed', () => {
    expect(
      ok(' Goroutines in checkout v1.3 grow by 40/s (sev3, 87% sure). A rolling restart of v1.3 may run alone. '),
    ).toEqual({
      ok: true,
      prose: {
        summary: 'Goroutines in checkout v1.3 grow by 40/s (sev3, 87% sure). A rolling restart of v1.3 may run alone.',
        explanation: 'The goroutines of v1.3 never end.',
      },
    });
    expect(ok('QPS stayed at 1200/s; run r-17 from #17 brought v1.3.')).toMatchObject({ ok: true });
    expect(ok('QPS stayed at 1,200/s; 12,000 goroutines.')).toMatchObject({ ok: false });
  });

  it.each([
    ['no explanation', { summary: 'only a summary' }, 'lacks a summary or an explanation'],
    ['a summary that is no string', { summary: 3, explanation: 'x' }, 'lacks a summary or an explanation'],
    ['an empty summary', { summary: '  ', explanation: 'x' }, 'the summary is empty'],
    ['a summary too long', { summary: 'x'.repeat(701), explanation: 'x' }, 'longer than 700'],
    ['a rollback, not offered', { summary: 'Roll back to v1.2.', explanation: 'x' }, 'not options: roll back'],
    [
      'scaling and draining',
      { summary: 'Scale out checkout.', explanation: 'Or drain it.' },
      'not options: scale, drain',
    ],
    ['an invented number', { summary: 'It runs out of memory in 3 hours.', explanation: 'x' }, 'not in the brief: 3'],
    [
      'invented names with digits',
      { summary: 'p99 is at 2 s on sev2.', explanation: 'x' },
      'not in the brief: p99, sev2, 2',
    ],
  ])('rejects %s', (_, answer, reason) => {
    expect(checkProse(answer, brief)).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });
});
