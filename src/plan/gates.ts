/** Gates from a task's analysis rules and its service's metric bindings. */
import type { AnalysisRule, Service } from '../manifest/model.js';
import {
  formatDuration,
  parseDuration,
  parseThreshold,
  windowPlaceholder,
  type MetricUnit,
} from '../manifest/units.js';
import type { Gate } from './types.js';

export const defaultGateWindowSeconds = 60;

export function gatesFrom(analysis: readonly AnalysisRule[] | undefined, service: Service): Gate[] {
  return (analysis ?? []).map((rule) => {
    const binding = service.spec.metrics![rule.metric]!;
    const unit: MetricUnit = binding.unit ?? 'count';
    const limit = (raw: string | number | undefined) => {
      if (raw === undefined) return undefined;
      const parsed = parseThreshold(raw, unit);
      return 'value' in parsed ? parsed.value : undefined;
    };
    const windowSeconds = rule.window ? parseDuration(rule.window)! : defaultGateWindowSeconds;
    // A query without the placeholder sets its own range: the gate then claims no window.
    const window = binding.query.includes(windowPlaceholder) ? formatDuration(windowSeconds) : undefined;
    const bounds = [rule.max !== undefined ? `≤ ${rule.max}` : '', rule.min !== undefined ? `≥ ${rule.min}` : '']
      .filter(Boolean)
      .join(' and ');
    return {
      metric: rule.metric,
      query: window ? binding.query.replaceAll(windowPlaceholder, window) : binding.query,
      unit,
      max: limit(rule.max),
      min: limit(rule.min),
      ...(window ? { windowSeconds } : {}),
      phase: rule.phase ?? 'both',
      display: `${rule.metric} ${bounds}${window ? ` over ${window}` : ''}`,
    };
  });
}
