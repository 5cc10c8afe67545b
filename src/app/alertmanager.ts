/**
 * Use case: an Alertmanager notification (webhook payload version 4) is another trigger of the
 * patrol. Each firing alert names its service (label `service`, else `job`); the service's
 * inspections run now. Alertmanager repeats a notification every repeat_interval and retries 5xx,
 * so each alert is handled once per firing (group key, fingerprint, start). Answers: 2xx delivered,
 * 4xx not to be retried (a payload ZeroOps cannot use), 5xx to be retried.
 */
import type { DeliveryLog } from './ports.js';

interface Alert {
  status?: string;
  labels?: Record<string, string>;
  fingerprint?: string;
  startsAt?: string;
}

export interface AlertDeps {
  deliveries: DeliveryLog;
  /** Runs the named service's inspections now; false when ZeroOps knows no such service. */
  inspectService(service: string): Promise<boolean>;
}

export async function handleAlerts(deps: AlertDeps, payload: unknown): Promise<{ status: number; body: object }> {
  const body = payload as { version?: string; groupKey?: string; alerts?: Alert[] };
  if (body?.version !== '4' || !Array.isArray(body.alerts))
    return { status: 400, body: { error: 'expected an Alertmanager webhook payload, version "4", with alerts' } };
  const started: string[] = [];
  const unknown: string[] = [];
  for (const alert of body.alerts.filter((a) => a.status === 'firing')) {
    const service = alert.labels?.service ?? alert.labels?.job;
    const key = `alert/${body.groupKey ?? ''}/${alert.fingerprint ?? ''}/${alert.startsAt ?? ''}`;
    if (!service || (await deps.deliveries.handled(key))) continue;
    if (await deps.inspectService(service)) started.push(service);
    else unknown.push(service);
    await deps.deliveries.markHandled(key);
  }
  return { status: 202, body: { inspecting: [...new Set(started)], unknownServices: [...new Set(unknown)] } };
}
