/** The typed documents of an ops repo, each with the source it came from. */
import type {
  Config,
  ConfigUpdate,
  Restart,
  Rollout,
  Runbook,
  Scale,
  SchemaChange,
  Service,
  Template,
  TrafficShift,
} from './schema-types.generated.js';
import type { SourceDocument } from './source.js';

export type * from './schema-types.generated.js';

export type TaskManifest = Rollout | TrafficShift | Restart | Scale | ConfigUpdate | SchemaChange | Runbook;

export interface Loaded<T> {
  doc: SourceDocument;
  manifest: T;
}

export type LoadedTask = Loaded<TaskManifest>;

/** Everything a task is checked and completed against. */
export interface OpsRepo {
  config?: Loaded<Config>;
  services: Map<string, Loaded<Service>>;
  templates: Map<string, Loaded<Template>>;
  /** Names of every task in the repository, with where each is declared. */
  taskNames: Map<string, SourceDocument[]>;
  /**
   * The services of the approved state, when planning a change: their owners approve (else the
   * services' own), and another's targets hold a task too.
   */
  approvedServices?: readonly Service[];
  /** Content ids of the repository's scripts, by path, when known. */
  scripts?: Map<string, string>;
}

export const opsRepoLayout = {
  config: '.zeroops/config.yaml',
  services: 'services/',
  templates: 'templates/',
  tasks: 'tasks/',
} as const;

export const isManifestPath = (path: string): boolean => /\.ya?ml$/.test(path);
