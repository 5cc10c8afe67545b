/**
 * The datacenter watch's incidents: one issue per episode (a datacenter drained or asked about,
 * every datacenter slow at once, an instance ejected), opened at the first decision, rewritten in
 * place as decisions follow (evidence, commands, curve, timeline) and shown as a check run on the
 * default branch's approved commit, and resolved when the
 * datacenter is back at its original weight, or when the slowness everywhere has passed. The
 * owners are mentioned when it opens.
 */
import type { Forge, RepoRef } from '../forge/forge.js';
import {
  failoverBody,
  failoverCheck,
  failoverLabels,
  failoverTitle,
  type FailoverEpisode,
} from '../knowledge/render-failover-incident.js';
import type { Decision } from '../failover/watch-machine.js';
import type { WatchTick } from './watch-datacenters.js';

export type OpenEpisode = FailoverEpisode & { issue: number; checkId?: number };

export interface IncidentOptions {
  owners: readonly string[];
  /** The open episodes saved at the last scrape. */
  saved?: Record<string, OpenEpisode>;
  /** Called once an episode's issue is opened (the chat is told). */
  onOpened?: (episode: OpenEpisode) => Promise<void>;
  /** Called once an episode is resolved (the template proposal). */
  onResolved?: (episode: OpenEpisode) => Promise<void>;
  /** The default branch's approved commit: each episode is a check run there too. */
  headSha?: string;
}

/** An hour of 5 s scrapes: the chart keeps the latest. */
const curvePoints = 720;
const opens = new Set<Decision['kind']>(['drain', 'ask', 'cannot-drain', 'everywhere', 'eject']);
const ends = new Set<Decision['kind']>(['restored', 'recovered-unattended']);

export class FailoverIncidents {
  private readonly open: Map<string, OpenEpisode>;

  constructor(
    private readonly forge: Forge,
    private readonly repo: RepoRef,
    private readonly service: string,
    private readonly options: IncidentOptions,
  ) {
    this.open = new Map(Object.entries(options.saved ?? {}));
  }

  /** The open episodes, to save between scrapes run by different jobs. */
  snapshot(): Record<string, OpenEpisode> {
    return Object.fromEntries(this.open);
  }

  /** Issue numbers of the episodes still open, by what they are about. */
  openIssues(): Record<string, number> {
    return Object.fromEntries([...this.open].map(([key, e]) => [key, e.issue]));
  }

  async update(result: WatchTick): Promise<void> {
    const touched = new Set<OpenEpisode>();
    for (const record of result.records) {
      const key = keyOf(record.decision);
      let episode = this.open.get(key);
      if (!episode && opens.has(record.decision.kind)) episode = await this.openEpisode(key, record, result);
      if (!episode) continue;
      if (!episode.records.includes(record)) episode.records.push(record);
      touched.add(episode);
      if (ends.has(record.decision.kind)) episode.resolvedAt = record.at;
    }
    for (const episode of this.open.values()) {
      const sample = episode.dc
        ? result.tick.samples.find((s) => s.dc === episode.dc)
        : result.tick.samples.reduce((a, b) => (b.p99Ms > a.p99Ms ? b : a));
      if (sample && Number.isFinite(sample.p99Ms))
        episode.curve = [...episode.curve, [result.tick.at / 1000, sample.p99Ms] as [number, number]].slice(
          -curvePoints,
        );
      if (episode.dc) episode.keep = result.keep[episode.dc] ?? 1;
      if (keyFor(episode) === 'everywhere' && !result.judgement.everywhere) {
        episode.resolvedAt = result.tick.at;
        touched.add(episode);
      }
    }
    for (const episode of touched) await this.publish(episode);
  }

  private async openEpisode(
    key: string,
    record: WatchTick['records'][number],
    result: WatchTick,
  ): Promise<OpenEpisode> {
    const d = record.decision;
    const dc = 'dc' in d && d.kind !== 'eject' ? d.dc : undefined;
    const draft: FailoverEpisode = {
      service: this.service,
      ...(dc ? { dc } : {}),
      openedAt: record.at,
      records: [record],
      curve: [],
      keep: dc ? (result.keep[dc] ?? 1) : 1,
    };
    const issue = await this.forge.createIssue(this.repo, {
      title: failoverTitle(draft),
      body: failoverBody(draft),
      labels: failoverLabels(draft),
    });
    const episode: OpenEpisode = { ...draft, issue };
    if (this.options.headSha)
      episode.checkId = await this.forge.startCheck(
        this.repo,
        `ZeroOps datacenter watch: ${this.service}`,
        this.options.headSha,
        failoverCheck(draft, issue),
      );
    this.open.set(key, episode);
    await this.options.onOpened?.(episode);
    if (this.options.owners.length)
      await this.forge.comment(
        this.repo,
        issue,
        `${this.options.owners.map((o) => `@${o}`).join(' ')}: ${failoverTitle(draft)}. ` +
          'This issue follows it as it goes.',
      );
    return episode;
  }

  private async publish(episode: OpenEpisode): Promise<void> {
    await this.forge.updateIssue(this.repo, episode.issue, {
      title: failoverTitle(episode),
      body: failoverBody(episode),
      labels: failoverLabels(episode),
    });
    if (episode.checkId !== undefined)
      await this.forge.updateCheck(this.repo, episode.checkId, failoverCheck(episode, episode.issue));
    if (episode.resolvedAt !== undefined) {
      await this.forge.comment(this.repo, episode.issue, `Resolved: ${failoverTitle(episode)}.`);
      this.open.delete(keyFor(episode));
      await this.options.onResolved?.(episode);
    }
  }
}

function keyOf(d: Decision): string {
  if (d.kind === 'everywhere') return 'everywhere';
  if (d.kind === 'eject') return `${d.dc}/${d.instance}`;
  return d.dc;
}

function keyFor(e: FailoverEpisode): string {
  const first = e.records[0]!.decision;
  return first.kind === 'everywhere' || first.kind === 'eject' ? keyOf(first) : e.dc!;
}
