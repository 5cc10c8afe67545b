/**
 * Lanes on a pull request: the three-version story, overlaps named in words at the line, disjoint
 * audiences accepted, lineage checked.
 */
import { checkAndPlan } from '../../../src/app/check-and-plan.js';
import { formatDiagnostic } from '../../../src/manifest/diagnostic.js';
import { renderLaneMap } from '../../../src/lanes/lane-map.js';
import { templateRepoFiles } from '../../support/ops-repo.js';

const rollout = (name: string, spec: string) =>
  `apiVersion: zeroops.dev/v1\nkind: Rollout\nmetadata:\n  name: ${name}\n  service: checkout\nspec:\n${spec.replace(/^/gm, '  ')}\n`;

/** The example repo with `changed` as this pull request's files (replacing or adding tasks). */
async function check(changed: Record<string, string>, without: string[] = [], more: Record<string, string> = {}) {
  const context = [
    ...(await templateRepoFiles()).filter((f) => !(f.path in changed) && !without.includes(f.path)),
    ...Object.entries(more).map(([path, text]) => ({ path, text })),
  ];
  const result = await checkAndPlan({
    files: Object.entries(changed).map(([path, text]) => ({ path, text })),
    context,
  });
  const lanes = result.diagnostics.filter((d) => d.rule.startsWith('lane-'));
  return { ...result, laneFindings: lanes.map(formatDiagnostic), all: result.diagnostics.map(formatDiagnostic) };
}

const v12 = (audience: string) =>
  rollout(
    'checkout-v1-2',
    `version: v1.2.0\nfeatures: [C]\naudience: ${audience}\ntemplate: canary@2\nsteps: [5%, 25%, 100%]`,
  );

describe('the three-version story', () => {
  it('takes v1.0’s users over with v1.1 and runs v1.2 beside it on users without A or B', async () => {
    const files = await templateRepoFiles();
    const canaries = Object.fromEntries(
      files.filter((f) => f.path.startsWith('tasks/canary-')).map((f) => [f.path, f.text]),
    );
    const result = await check(canaries);
    expect(result.all.filter((d) => / error /.test(d))).toEqual([]);
    expect(result.lanes.map((l) => [l.lane, l.version, l.features, l.inherited])).toEqual([
      ['checkout-v1-1', 'v1.1.0', ['A', 'B'], true],
      ['checkout-v1-2', 'v1.2.0', ['C'], false],
    ]);
    expect(result.lanes[0]!.segment).toEqual({ userTags: ['beta'] });
    const map = renderLaneMap(result.lanes);
    expect(map).toContain(
      '| checkout-v1-1 | v1.1.0 | A, B | tagged beta (taken over) | every bucket (100%) | takes ' +
        "over checkout-v1-0's users |",
    );
    expect(map).toContain(
      '| checkout-v1-2 | v1.2.0 | C | in cn-east, ios >=17, not served A, not served B | every bucket (100%) | – |',
    );
  });

  it('rejects v1.2 over the users who have A or B, at its audience, naming them and the fix', async () => {
    const result = await check({ 'tasks/canary-v1-2.yaml': v12('{ regions: [cn-east], os: { ios: ">=17" } }') });
    expect(result.laneFindings).toEqual([
      'tasks/canary-v1-2.yaml:9:13 error spec.audience: beta users in cn-east on ios >=17 would be in both ' +
        'checkout-v1-1 (v1.1.0, A and B) and checkout-v1-2 (v1.2.0, C): some would lose A and B. To keep the lanes ' +
        'apart, exclude the users who have been served A and B (audience.exclude.features: [A, B])',
    ]);
  });

  it('keeps out the users of a lane that has been taken over: they are its successor’s now', async () => {
    const result = await check({
      'tasks/canary-v1-2.yaml': v12('{ regions: [cn-east], os: { ios: ">=17" }, exclude: { lanes: [checkout-v1-0] } }'),
    });
    expect(result.laneFindings).toEqual([]);
    expect(result.lanes.find((l) => l.lane === 'checkout-v1-2')!.segment.exclude).toEqual({ lanes: ['checkout-v1-1'] });
  });

  it('proposes free buckets when the other lane does not reach them', async () => {
    const v10 = rollout(
      'checkout-v1-0',
      'version: v1.0.0\nfeatures: [A]\naudience: { userTags: [beta], buckets: 0-4999 }\ntemplate: canary@2\nsteps: [5%, 20%]',
    );
    const result = await check(
      { 'tasks/canary-v1-0.yaml': v10, 'tasks/canary-v1-2.yaml': v12('{ regions: [cn-east] }') },
      ['tasks/canary-v1-1.yaml'],
    );
    expect(result.laneFindings).toHaveLength(2);
    expect(result.laneFindings[1]).toMatch(
      new RegExp(
        String.raw`^tasks\/canary-v1-2\.yaml:9:13 error spec\.audience: beta users in cn-east in buckets ` +
          String.raw`0–999 would be in both checkout-v1-0 .* or take buckets 1000-9999, which checkout-v1-0 ` +
          String.raw`does not reach \(audience\.buckets\)$`,
      ),
    );
    expect(result.laneFindings[0]).toMatch(
      new RegExp(
        String.raw`^tasks\/canary-v1-0\.yaml:\d+:\d+ error spec\.audience: beta users in cn-east in buckets ` +
          String.raw`0–999 would be in both checkout-v1-2`,
      ),
    );
  });
});

describe('disjoint audiences are accepted', () => {
  it.each([
    ['regions', '{ regions: [us-west] }', '{ regions: [cn-east, cn-north] }'],
    ['OS version ranges', '{ os: { ios: "<17" } }', '{ os: { ios: ">=17", android: ">=14" } }'],
    ['operating systems', '{ os: { android: "*" } }', '{ os: { ios: "*" } }'],
    ['app versions', '{ appVersion: "<3" }', '{ appVersion: ">=3.0.0" }'],
    ['bucket ranges', '{ buckets: 0-4999 }', '{ buckets: 5000-9999 }'],
    ['an excluded tag', '{ userTags: [beta] }', '{ exclude: { userTags: [beta] } }'],
    ['an excluded lane', '{ regions: [cn-east] }', '{ exclude: { lanes: [first] } }'],
  ])('by %s', async (_, first, second) => {
    const result = await check(
      {
        'tasks/first.yaml': rollout('first', `version: v2.0.0\nfeatures: [D]\naudience: ${first}\ntemplate: canary@2`),
        'tasks/second.yaml': rollout(
          'second',
          `version: v2.1.0\nfeatures: [E]\naudience: ${second}\ntemplate: canary@2`,
        ),
      },
      ['tasks/canary-v1-0.yaml', 'tasks/canary-v1-1.yaml', 'tasks/canary-v1-2.yaml'],
    );
    expect(result.all.filter((d) => / error /.test(d))).toEqual([]);
    expect(result.lanes).toHaveLength(2);
  });

  it('and the overlaps next to them are named: shared tags, meeting ranges, a lane at a small step', async () => {
    const both = async (first: string, second: string, secondSteps = '[5%, 100%]') =>
      (
        await check(
          {
            'tasks/first.yaml': rollout('first', `version: v2.0.0\naudience: ${first}\nsteps: [5%]`),
            'tasks/second.yaml': rollout('second', `version: v2.1.0\naudience: ${second}\nsteps: ${secondSteps}`),
          },
          ['tasks/canary-v1-0.yaml', 'tasks/canary-v1-1.yaml', 'tasks/canary-v1-2.yaml'],
        )
      ).laneFindings[1];
    expect(await both('{ userTags: [beta] }', '{ userTags: [internal] }')).toMatch(
      new RegExp(
        String.raw`second\.yaml:\d+:\d+ error spec\.audience: users tagged both beta and internal in buckets ` +
          String.raw`0–499 would be in both first \(v2\.0\.0\) and second`,
      ),
    );
    expect(await both('{ os: { ios: ">=16.4 <18" } }', '{ os: { ios: ">=17" } }')).toMatch(
      /error spec\.audience: users on ios >=16\.4 <18 and >=17 in buckets 0–499 would be in both first/,
    );
    expect(await both('{ buckets: 0-4999 }', '{ buckets: 4500-9999 }', '[10%]')).toBeUndefined();
    expect(await both('{ buckets: 0-4999 }', '{ buckets: 200-9999 }', '[10%]')).toMatch(
      /: users in buckets 200–249 would be in both first/,
    );
  });
});

describe('lineage', () => {
  it('advises taking over a lane whose every feature the new version carries, rather than a lane beside it', async () => {
    const result = await check({
      'tasks/canary-v1-1.yaml': rollout(
        'checkout-v1-1',
        'version: v1.1.0\nfeatures: [A, B]\naudience: { userTags: [beta] }\ntemplate: canary@2',
      ),
    });
    expect(result.laneFindings).toEqual([
      expect.stringMatching(
        new RegExp(
          String.raw`^tasks\/canary-v1-1\.yaml:\d+:\d+ error spec\.audience: beta users would be in both ` +
            String.raw`checkout-v1-0 \(v1\.0\.0, A\) and checkout-v1-1 .* v1\.1\.0 carries every feature of ` +
            String.raw`checkout-v1-0 \(A\): it can take over its users instead \(replaces: checkout-v1-0\), one ` +
            String.raw`lane rather than two$`,
        ),
      ),
    ]);
  });

  it('refuses a replacement that would take a feature away from the users it takes over', async () => {
    const result = await check({
      'tasks/canary-v1-1.yaml': rollout(
        'checkout-v1-1',
        'version: v1.1.0\nfeatures: [B]\nreplaces: checkout-v1-0\ntemplate: canary@2',
      ),
    });
    expect(result.laneFindings).toEqual([
      'tasks/canary-v1-1.yaml:8:13 error spec.features: this version takes over the users of ' +
        'checkout-v1-0 (tagged beta) ' +
        'without A, which v1.0.0 serves them: they would lose it. Carry A in this version, or give ' +
        'it a lane of its own ' +
        'that excludes them (audience.exclude.features: [A])',
    ]);
  });

  it('refuses a replacement whose own audience leaves some of the replaced lane’s users behind', async () => {
    const result = await check({
      'tasks/canary-v1-1.yaml': rollout(
        'checkout-v1-1',
        'version: v1.1.0\nfeatures: [A, B]\nreplaces: checkout-v1-0\naudience: { userTags: [beta], regions: [cn-east] }\ntemplate: canary@2',
      ),
    });
    expect(result.laneFindings).toEqual([
      expect.stringMatching(
        new RegExp(
          String.raw`^tasks\/canary-v1-1\.yaml:10:13 error spec\.audience: this audience does not cover every ` +
            String.raw`user of checkout-v1-0 \(tagged beta\): those left out would go back to the stable version ` +
            String.raw`and lose A\.`,
        ),
      ),
    ]);
    const wider = await check({
      'tasks/canary-v1-1.yaml': rollout(
        'checkout-v1-1',
        'version: v1.1.0\nfeatures: [A, B]\nreplaces: checkout-v1-0\naudience: { userTags: [beta, internal] }\ntemplate: canary@2',
      ),
    });
    expect(wider.laneFindings.filter((f) => f.includes('lane-takeover') || f.includes('does not cover'))).toEqual([]);
  });

  it('refuses to take over something that is not a canary lane, and a lineage that loops', async () => {
    const notALane = await check({
      'tasks/canary-v1-1.yaml': rollout(
        'checkout-v1-1',
        'version: v1.1.0\nfeatures: [A, B]\nreplaces: restart-checkout\ntemplate: canary@2',
      ),
    });
    expect(notALane.laneFindings).toContain(
      "tasks/canary-v1-1.yaml:9:13 error spec.replaces: 'restart-checkout' is a Restart, not a " +
        "Rollout: only a canary lane's users can be taken over",
    );
    // Nor does it take checkout-v1-0's users then: both lanes would serve them.
    expect(notALane.laneFindings).toContain(
      'tasks/canary-v1-1.yaml:4:9 error metadata.name: beta users would be in both checkout-v1-0 (v1.0.0, A) and ' +
        'checkout-v1-1 (v1.1.0, A and B). To keep the lanes apart, exclude the users who have been served A ' +
        '(audience.exclude.features: [A])',
    );
    const loop = await check({
      'tasks/canary-v1-0.yaml': rollout(
        'checkout-v1-0',
        'version: v1.0.0\nfeatures: [A]\nreplaces: checkout-v1-1\ntemplate: canary@2',
      ),
    });
    expect(loop.laneFindings).toContain(
      'tasks/canary-v1-0.yaml:9:13 error spec.replaces: the lineage loops (checkout-v1-0 → ' +
        'checkout-v1-1 → checkout-v1-0): a lane cannot take over its own users',
    );
  });
});

describe('what the review found', () => {
  it('keeps checking when the lane a replacement names could not be planned', async () => {
    const result = await check({
      'tasks/canary-v1-0.yaml': rollout(
        'checkout-v1-0',
        'version: v1.0.0\nfeatures: [A]\naudience: { userTags: [beta] }\nsteps: [50%, 5%]',
      ),
    });
    expect(result.all).toContainEqual(
      expect.stringMatching(/canary-v1-0\.yaml:\d+:\d+ error spec\.steps\[1\]: steps must ascend/),
    );
  });

  it('reads an empty list as no restriction, as routing does', async () => {
    const result = await check(
      {
        'tasks/first.yaml': rollout('first', 'version: v2.0.0\naudience: { regions: [] }\nsteps: [5%]'),
        'tasks/second.yaml': rollout('second', 'version: v2.1.0\naudience: { regions: [cn-east] }\nsteps: [5%]'),
      },
      ['tasks/canary-v1-0.yaml', 'tasks/canary-v1-1.yaml', 'tasks/canary-v1-2.yaml'],
    );
    expect(result.laneFindings).toHaveLength(2);
  });

  it('refuses a takeover that reaches fewer buckets than the lane it replaces', async () => {
    const result = await check({
      'tasks/canary-v1-0.yaml': rollout(
        'checkout-v1-0',
        'version: v1.0.0\nfeatures: [A]\naudience: { userTags: [beta] }\nsteps: [5%, 50%]',
      ),
      'tasks/canary-v1-1.yaml': rollout(
        'checkout-v1-1',
        'version: v1.1.0\nfeatures: [A, B]\nreplaces: checkout-v1-0\nsteps: [5%, 10%]',
      ),
    });
    expect(result.laneFindings).toEqual([
      expect.stringMatching(
        new RegExp(
          String.raw`^tasks\/canary-v1-1\.yaml:\d+:\d+ error spec\.steps: at its widest step this version ` +
            String.raw`reaches buckets 0–999, fewer than checkout-v1-0 \(tagged beta, buckets 0–4,999\): the ` +
            String.raw`users in between would go back to the stable version and lose A\. End the steps at 50% or ` +
            String.raw`more$`,
        ),
      ),
    ]);
  });

  it('reports an overlap that a change to a replaced lane brings through its successor', async () => {
    // Unchanged: v1.1 takes over v1.0's users; a US lane runs beside it. The change moves v1.0 to the US.
    const us = rollout('checkout-us', 'version: v3.0.0\nfeatures: [D]\naudience: { regions: [us-west] }\nsteps: [5%]');
    const result = await check(
      {
        'tasks/canary-v1-0.yaml': rollout(
          'checkout-v1-0',
          'version: v1.0.0\nfeatures: [A]\naudience: { regions: [us-west] }\ntemplate: canary@2',
        ),
      },
      ['tasks/canary-v1-2.yaml'],
      { 'tasks/canary-us.yaml': us },
    );
    expect(result.laneFindings).toEqual([
      expect.stringMatching(
        new RegExp(
          String.raw`^tasks\/canary-v1-0\.yaml:\d+:\d+ error spec\.audience: through checkout-v1-1, which ` +
            String.raw`takes over its users: users in us-west in buckets 0–499 would be in both checkout-us`,
        ),
      ),
    ]);
  });

  it('checks the lanes of the Rollouts that use a template this change edits', async () => {
    // a (canary@2) and b hold disjoint buckets of beta users; the change makes canary@2 go to 100%.
    const repo = (await templateRepoFiles()).filter((f) => !f.path.startsWith('tasks/canary-'));
    const canary = repo.find((f) => f.path === 'templates/canary.yaml')!;
    const narrow = canary.text.replace('steps: [5%, 20%, 50%, 100%]', 'steps: [5%, 20%]');
    const lanes = [
      {
        path: 'tasks/a.yaml',
        text: rollout('a', 'version: v2.0.0\nfeatures: [A]\naudience: { userTags: [beta] }\ntemplate: canary@2'),
      },
      {
        path: 'tasks/b.yaml',
        text: rollout(
          'b',
          'version: v2.1.0\nfeatures: [B]\naudience: { userTags: [beta], buckets: 2000-9999 }\nsteps: [5%]',
        ),
      },
    ];
    const context = [...repo.filter((f) => f.path !== 'templates/canary.yaml'), ...lanes];
    const findings = async (template: string) =>
      (await checkAndPlan({ files: [{ path: 'templates/canary.yaml', text: template }], context })).diagnostics
        .filter((d) => d.rule.startsWith('lane-'))
        .map(formatDiagnostic);
    expect(await findings(narrow)).toEqual([]);
    expect(await findings(canary.text)).toEqual([
      expect.stringMatching(
        /^tasks\/a\.yaml:\d+:\d+ error spec\.audience: beta users in buckets 2,000–2,399 would be in both b/,
      ),
    ]);
  });
});

describe('audience values', () => {
  it('says what is wrong with a version range or a bucket range, where it is written', async () => {
    const result = await check({
      'tasks/canary-v1-2.yaml': v12('{ os: { ios: "newest" }, appVersion: "3..", buckets: 9000-100 }'),
    });
    expect(result.all).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /canary-v1-2\.yaml:9:\d+ error spec\.audience\.os\.ios: 'newest' is not a version range: write e\.g\. ">=17"/,
        ),
        expect.stringMatching(/error spec\.audience\.appVersion: '3\.\.' is not a version range/),
        expect.stringMatching(
          /error spec\.audience\.buckets: '9000-100' is not a range of buckets: write the low end first/,
        ),
      ]),
    );
    // Names travel to HAProxy's route table: no spaces or separators in them.
    const spaced = await check({ 'tasks/canary-v1-2.yaml': v12('{ userTags: ["beta users"], os: { "i os": "*" } }') });
    expect(spaced.all.filter((d) => / error spec\.audience/.test(d))).toHaveLength(2);
  });
});
