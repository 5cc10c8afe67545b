/** Rules of the Rollout kind. */
import { BUCKETS, parseBuckets } from '../../lanes/buckets.js';
import { parseRange } from '../../lanes/version-range.js';
import type { TaskManifest } from '../../manifest/model.js';
import type { Rule } from '../../manifest/rules/rule.js';
import { didYouMean } from '../../manifest/suggest.js';
import { formatDuration, parseDuration, parsePercent } from '../../manifest/units.js';
import { checkPercent } from '../percent-rule.js';

export const rolloutSteps: Rule<TaskManifest> = {
  name: 'rollout-steps',
  check({ manifest }, _repo, report) {
    if (manifest.kind !== 'Rollout' || !manifest.spec.steps) return;
    const steps = manifest.spec.steps;
    let previous = 0;
    steps.forEach((raw, i) => {
      const percent = checkPercent(raw, ['spec', 'steps', i], report, { min: 0, exclusiveMin: true });
      if (percent === undefined) return;
      if (percent <= previous) report(['spec', 'steps', i], `steps must ascend: ${percent}% comes after ${previous}%`);
      previous = Math.max(previous, percent);
    });
    const last = parsePercent(steps[steps.length - 1]);
    if (last !== undefined && last > 0 && last < 100) {
      report(
        ['spec', 'steps', steps.length - 1],
        `the rollout stops at ${last}%: the rest of the traffic keeps the old version (end with 100% to finish it)`,
        { severity: 'warning' },
      );
    }
  },
};

export const replacesRollout: Rule<TaskManifest> = {
  name: 'replaces-rollout',
  check({ manifest }, repo, report) {
    if (manifest.kind !== 'Rollout' || !manifest.spec.replaces) return;
    const replaced = manifest.spec.replaces;
    if (replaced === manifest.metadata.name) report(['spec', 'replaces'], 'a rollout cannot replace itself');
    else if (!repo.taskNames.has(replaced)) {
      report(
        ['spec', 'replaces'],
        `no task named '${replaced}' in tasks/${didYouMean(replaced, repo.taskNames.keys())}`,
      );
    }
  },
};

/** Version ranges and bucket ranges of an audience must mean something: a typo would select no one. */
export const rolloutAudience: Rule<TaskManifest> = {
  name: 'rollout-audience',
  check({ manifest }, _repo, report) {
    if (manifest.kind !== 'Rollout' || !manifest.spec.audience) return;
    const { os, appVersion, buckets } = manifest.spec.audience;
    for (const [name, range] of Object.entries(os ?? {})) {
      if (!parseRange(range))
        report(
          ['spec', 'audience', 'os', name],
          `'${range}' is not a version range: write e.g. ">=17" or ">=16.4 <18"`,
        );
    }
    if (appVersion !== undefined && !parseRange(appVersion))
      report(['spec', 'audience', 'appVersion'], `'${appVersion}' is not a version range: write e.g. ">=3.2 <4"`);
    if (buckets !== undefined && !parseBuckets(buckets))
      report(
        ['spec', 'audience', 'buckets'],
        `'${buckets}' is not a range of buckets: write the low end first, both within 0-${BUCKETS - 1}, e.g. 5000-9999`,
      );
  },
};

/**
 * A lane is judged on `compare.minSamples` samples of `compare.sample` a side: a step that holds
 * less than that cannot be judged within its hold, and waits past it.
 */
export const laneHoldLongEnough: Rule<TaskManifest> = {
  name: 'lane-hold',
  check({ manifest }, repo, report) {
    if (manifest.kind !== 'Rollout' || !manifest.spec.interval) return;
    const service = repo.services.get(manifest.metadata.service)?.manifest;
    if (service?.spec.deploy?.provider !== 'fleet') return;
    const sample = parseDuration(manifest.spec.compare?.sample ?? '60s');
    const hold = parseDuration(manifest.spec.interval);
    const needed = sample && (manifest.spec.compare?.minSamples ?? 8) * sample;
    if (hold === undefined || !needed || hold >= needed) return;
    report(
      ['spec', 'interval'],
      `each step holds ${formatDuration(hold)}, but judging the lane takes ${formatDuration(needed)} ` +
        '(compare.minSamples samples of compare.sample a side): steps will wait past their hold for them',
      { severity: 'warning' },
    );
  },
};
