/**
 * Use case: after a merge into the default branch (and when an incident closes), what the ops repo
 * and its incidents teach becomes template proposals — settings written by hand again and again,
 * fields the tasks of a template keep setting themselves, remediations that fixed the same
 * service's incidents again and again, and Markdown SOPs dropped in sops/. Each is checked like any template and
 * opened as a pull request once per content: a proposal people closed is not opened again.
 */
import { createHash } from 'node:crypto';
import type { Store } from '../engine/store.js';
import type { Forge, RepoRef } from '../forge/forge.js';
import { stringify } from 'yaml';
import { code, fenced } from '../plan/markdown.js';
import { visibleText } from '../nl/provenance.js';
import { sopName, sopTemplate, type SopReading } from '../knowledge/sop-template.js';
import type { TaskWriter } from '../nl/task-writer.js';
import { writerContext } from './writer-context.js';
import { templateProposals, type TemplateProposal } from '../knowledge/template-proposals.js';
import { loadDocuments, type LoadedDocuments, type ManifestFile } from '../manifest/load.js';
import { checkAndPlan } from './check-and-plan.js';
import type { Log } from './ports.js';
import { defaultBranchManifests } from './propose-task.js';
import { repoKey, requestersKey } from './record-keys.js';
import { incidentRecords } from './case-library.js';
import { remediationTemplateProposals } from '../knowledge/remediation-templates.js';

export const sopsFolder = 'sops/';

export interface ProposeTemplatesDeps {
  forge: Forge;
  store: Store;
  log: Log;
  /** A language model that reads SOPs first, when one is configured; the heading and list reader otherwise. */
  writer?: TaskWriter;
}

/**
 * Opens the proposals not made before; returns their pull request numbers. `requestedBy` are the
 * people behind the merge that taught it (its author, pushers and merger): ZeroOps opens the pull
 * request, but their review of it does not count, as if they had written it themselves.
 */
export async function proposeTemplates(
  deps: ProposeTemplatesDeps,
  repo: RepoRef,
  requestedBy: string[] = [],
): Promise<number[]> {
  const { forge } = deps;
  const { tree, files } = await defaultBranchManifests(forge, repo);
  const docs = loadDocuments(files);
  const known = new Set(docs.templates.map((t) => t.manifest.metadata.name));
  const sops = tree.filter((e) => e.path.startsWith(sopsFolder) && /\.md$/i.test(e.path));
  const proposals: (TemplateProposal & { unread?: string[] })[] = [
    ...templateProposals(docs, files),
    ...remediationTemplateProposals(await incidentRecords(deps.store, repo), docs),
  ];
  // An SOP whose template the repo has (merged, or named so by hand) is not read again.
  for (const entry of sops.filter((e) => !known.has(sopName(e.path) ?? ''))) {
    const text = await forge.readBlob(repo, entry);
    const read =
      (deps.writer && (await modelReading(deps, deps.writer, entry.path, text, docs))) ?? sopTemplate(entry.path, text);
    if (read.problem) deps.log.warn({ repo: repoKey(repo), sop: entry.path }, read.problem);
    else if (read.proposal && !known.has(read.proposal.name)) proposals.push({ ...read.proposal, unread: read.unread });
  }
  const opened: number[] = [];
  for (const proposal of proposals) {
    const number = await propose(deps, repo, proposal, files, requestedBy);
    if (number !== undefined) opened.push(number);
  }
  return opened;
}

/** The model's template from an SOP, named after its file; undefined sends the SOP to the offline reader. */
async function modelReading(
  deps: ProposeTemplatesDeps,
  writer: TaskWriter,
  path: string,
  text: string,
  docs: LoadedDocuments,
): Promise<SopReading | undefined> {
  const answer = await writer.template(text, writerContext(docs));
  if ('failed' in answer) return undefined;
  if ('question' in answer) {
    deps.log.warn({ sop: path, question: answer.question }, 'the language model could not place the SOP');
    return undefined;
  }
  const name = sopName(path);
  const spec = answer.manifest.spec as { kind?: unknown } | undefined;
  if (!name || answer.manifest.kind !== 'Template' || typeof spec?.kind !== 'string') return undefined;
  const metadata = { ...(answer.manifest.metadata as object | undefined), name };
  const manifest = { ...answer.manifest, apiVersion: 'zeroops.dev/v1', metadata };
  return {
    proposal: {
      name,
      version: 1,
      path: `templates/${name}.yaml`,
      text: stringify(manifest),
      why: `the SOP ${path} read as a ${spec.kind} template by ${answer.by}`,
      tasks: [],
      identity: `sop:${path}:${text}`,
    },
    unread: [],
  };
}

async function propose(
  deps: ProposeTemplatesDeps,
  repo: RepoRef,
  proposal: TemplateProposal & { unread?: string[] },
  files: ManifestFile[],
  requestedBy: string[],
): Promise<number | undefined> {
  // Keyed by what it proposes, not its wording: a fourth task like the three does not reopen it.
  const digest = createHash('sha256').update(proposal.identity).digest('hex').slice(0, 16);
  const key = `template-proposal/${repoKey(repo)}/${proposal.name}@${proposal.version}/${digest}`;
  if (await deps.store.checkpoint(key)) return undefined;
  const checked = await checkAndPlan({
    files: [{ path: proposal.path, text: proposal.text }],
    context: files.filter((f) => f.path !== proposal.path),
  });
  const errors = checked.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) {
    deps.log.warn(
      { repo: repoKey(repo), template: proposal.name, errors: errors.map((e) => e.message) },
      'template proposal does not pass the checks; not proposed',
    );
    return undefined;
  }
  const { number } = await deps.forge.proposeChange(repo, {
    branch: `zeroops/template/${proposal.name}-v${proposal.version}`,
    title: `Template ${proposal.name}@${proposal.version}, from experience`,
    body: [
      `Why: ${proposal.why}${proposal.tasks.length ? ` (${proposal.tasks.map((t) => `\`${t}\``).join(', ')})` : ''}.`,
      '',
      `Pinning \`template: ${proposal.name}@${proposal.version}\` gives the next task these settings and keeps them`,
      'reviewed in one place. Merge it as it is, edit it, or close it: a closed proposal is not opened again.',
      ...(proposal.unread?.length
        ? [
            '',
            'Lines of the SOP read as no setting (they stay for people):',
            ...proposal.unread.map((l) => `- ${code(visibleText(l))}`),
          ]
        : []),
      '',
      fenced(proposal.text, 'yaml'),
    ].join('\n'),
    files: { [proposal.path]: proposal.text },
    labels: ['zeroops', 'template'],
  });
  if (requestedBy.length)
    try {
      const known = (await deps.store.loopState<string[]>(requestersKey(repo, number))) ?? [];
      await deps.store.saveLoopState(requestersKey(repo, number), [...new Set([...known, ...requestedBy])]);
    } catch (error) {
      // Unrecorded, the people it came from could approve it alone: it does not stay open.
      await deps.forge.updateIssue(repo, number, { state: 'closed' });
      throw error;
    }
  await deps.store.saveCheckpoint(key, number);
  deps.log.info(
    { repo: repoKey(repo), template: `${proposal.name}@${proposal.version}`, pr: number },
    'template proposed',
  );
  return number;
}
