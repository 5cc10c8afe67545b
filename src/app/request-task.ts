/**
 * Use case: `/zeroops <a request in words>` on an issue. The offline parser reads the common
 * requests in English and Chinese; anything else goes to the language model when one is
 * configured. The result is a task in a pull request — planned, reviewed and approved like any
 * other — or a question back when the words leave more than one reading open. Never a guess.
 */
import { stringify } from 'yaml';
import type { Forge, RepoRef } from '../forge/forge.js';
import { loadDocuments, type LoadedDocuments, type ManifestFile } from '../manifest/load.js';
import type { Vocabulary } from '../nl/intent.js';
import { parseRequest } from '../nl/parse-request.js';
import type { TaskWriter } from '../nl/task-writer.js';
import { writerContext } from './writer-context.js';
import { nameOf } from '../manifest/name-of.js';
import { code } from '../plan/markdown.js';
import { provenanceComment, visibleText } from '../nl/provenance.js';
import { writeTask, type Writing, type WrittenTask } from '../nl/write-task.js';
import { defaultBranchManifests, proposeTask } from './propose-task.js';
import type { Store } from '../engine/store.js';
import { requestersKey } from './record-keys.js';

export interface RequestDeps {
  forge: Forge;
  clock: () => Date;
  /** A language model for what the parser does not read; without it, the parser alone serves. */
  writer?: TaskWriter;
  /** Where the requester is remembered as a writer of the pull request, whose approval cannot count. */
  store?: Store;
}

export interface TaskAsk {
  repo: RepoRef;
  /** The issue it was asked on. */
  number: number;
  by: string;
  text: string;
}

/** What happened, in words for the reply; `opened` when a pull request was opened. */
export interface RequestOutcome {
  reply: string;
  opened?: number;
}

export const understood =
  'I read requests such as `expand the v1.1 canary to 20%`, `drain dc-a`, `restore dc-a`, `restart checkout`, ' +
  '`scale checkout to 6 replicas`, `roll back v1.2` (and in Chinese: `将 v1.1 灰度比例扩大至 20%`, `切走 dc-a 的流量`).';

export async function requestTask(deps: RequestDeps, ask: TaskAsk): Promise<RequestOutcome> {
  const words = text(ask);
  const { files } = await defaultBranchManifests(deps.forge, ask.repo);
  const repo = loadDocuments(files);
  const context = { text: words, by: ask.by, where: `issue #${ask.number}`, now: deps.clock() };
  const reading = parseRequest(words, vocabularyOf(repo));
  let writing: Writing;
  let by = 'the offline parser';
  if (reading.understood) writing = writeTask(reading.intent, repo, files, context);
  else if (reading.question) writing = { question: reading.question };
  else if (!deps.writer) return { reply: `I could not read this as a task. ${understood}` };
  else {
    const answer = await deps.writer.write(words, writerContext(repo));
    if ('failed' in answer)
      return { reply: `I could not read this as a task (the language model: ${answer.failed}). ${understood}` };
    by = answer.by;
    writing = 'question' in answer ? { question: answer.question } : { task: fromModel(answer.manifest, context) };
  }
  if ('question' in writing) {
    const stop = /[.?!。？！]$/.test(writing.question) ? '' : '.';
    return { reply: `${writing.question}${stop} Nothing was opened; ask again with it.` };
  }
  return propose(deps, ask, writing.task, files, by);
}

async function propose(
  deps: RequestDeps,
  ask: TaskAsk,
  task: WrittenTask,
  files: ManifestFile[],
  by: string,
): Promise<RequestOutcome> {
  const proposal = await proposeTask(
    deps.forge,
    ask.repo,
    {
      path: task.path,
      text: task.text,
      title: task.title,
      // One branch per person: a second person's request never rewrites the first one's pull request.
      branch: `zeroops/request/${nameOf(ask.by)}/${task.name}`,
      why: `Asked by @${ask.by} on #${ask.number}: ${code(visibleText(text(ask)))}, read by ${by}.`,
    },
    files,
  );
  if (!proposal.opened)
    return {
      reply: [
        `I wrote \`${task.path}\` from this, but it does not pass the checks, so nothing was opened:`,
        ...proposal.problems.map((p) => `- ${p}`),
      ].join('\n'),
    };
  if (deps.store) {
    try {
      await rememberRequester(deps.store, ask, proposal.number);
    } catch (error) {
      // Unrecorded, the requester's own review would count: the pull request must not stay open.
      await deps.forge.updateIssue(ask.repo, proposal.number, { state: 'closed' });
      return {
        reply:
          `could not record who asked for #${proposal.number} (${(error as Error).message}), ` +
          'so it was closed: ask again.',
      };
    }
  }
  const plans = proposal.plans.map((p) => `- \`${p.task.name}\`: ${p.summary}`);
  return {
    reply: [
      `opened #${proposal.number}: ${task.title} (\`${task.path}\`, read by ${by}). Its plan follows there;`,
      'it runs once approved and merged.',
      ...plans,
    ].join('\n'),
    opened: proposal.number,
  };
}

/**
 * ZeroOps opened the pull request, but the person who asked for it wrote it: like an author, their
 * review does not count towards its approval (else one writer could ask and approve alone).
 */
async function rememberRequester(store: Store, ask: TaskAsk, number: number): Promise<void> {
  const key = requestersKey(ask.repo, number);
  const known = (await store.loopState<string[]>(key)) ?? [];
  await store.saveLoopState(key, [...new Set([...known, ask.by])]);
}

/** A model's manifest as a file: it is checked like any other before anything is opened. */
/** The request's words: its first line, at most 500 characters. */
const text = (ask: TaskAsk) => ask.text.trim().split('\n')[0]!.slice(0, 500);

function fromModel(manifest: Record<string, unknown>, context: { text: string; where: string }): WrittenTask {
  const metadata = (manifest.metadata ?? {}) as { name?: unknown };
  const name = typeof metadata.name === 'string' && /^[a-z0-9-]{1,63}$/.test(metadata.name) ? metadata.name : 'task';

  return {
    path: `tasks/${name}.yaml`,
    text: provenanceComment(context.where, context.text) + stringify(manifest),
    name,
    title: `${String(manifest.kind ?? 'Task')} ${name}`,
  };
}

function vocabularyOf(repo: LoadedDocuments): Vocabulary {
  const services = repo.services.map((s) => s.manifest.metadata.name);
  const datacenters = [...new Set(repo.services.flatMap((s) => s.manifest.spec.datacenters.map((d) => d.name)))];
  return { services, datacenters };
}
