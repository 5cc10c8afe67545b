/* eslint-disable */
// Generated from schemas/ by `npm run schemas:types`. Do not edit.

/**
 * Metric gates, checked while the plan's steps hold: a breach rolls the run back, missing data pauses it.
 */
export type Analysis = AnalysisRule[];

/**
 * A canary release of a new version, step by step, gated by metrics.
 */
export interface Rollout {
  /**
   * The version of the task language.
   */
  apiVersion: 'zeroops.dev/v1';
  /**
   * What the document is: Rollout.
   */
  kind: 'Rollout';
  metadata: Metadata;
  /**
   * What to release and how far, step by step.
   */
  spec: {
    /**
     * The version deployed as the canary cohort.
     */
    version: string;
    /**
     * Feature names this version brings, shown in the plan.
     */
    features?: string[];
    /**
     * A Rollout task whose canary audience this one takes over.
     */
    replaces?: string;
    /**
     * Who gets the canary. Without it, the steps are shares of all traffic.
     */
    audience?: {
      /**
       * User tags that select the audience.
       *
       * Items: A name of letters, digits and _ . : - (it goes into HAProxy's route table as it is).
       */
      userTags?: string[];
      /**
       * Regions that select the audience.
       *
       * Items: A name of letters, digits and _ . : - (it goes into HAProxy's route table as it is).
       */
      regions?: string[];
      /**
       * Operating systems and version ranges (npm semver ranges; 17 reads as 17.0.0) that select the audience.
       */
      os?: {
        [k: string]: string;
      };
      /**
       * A range of app versions (npm semver range) that selects the audience.
       */
      appVersion?: string;
      /**
       * The sticky buckets (0-9999, a hash of the user id with the service's salt) the steps' percentages are shares of. Lanes whose users could meet take disjoint ranges. Default: all of them.
       */
      buckets?: string;
      /**
       * Users kept out of this audience, whatever else selects them.
       */
      exclude?: {
        /**
         * Users carrying any of these tags.
         *
         * Items: A name of letters, digits and _ . : - (it goes into HAProxy's route table as it is).
         */
        userTags?: string[];
        /**
         * Users in these regions.
         *
         * Items: A name of letters, digits and _ . : - (it goes into HAProxy's route table as it is).
         */
        regions?: string[];
        /**
         * Users who have been served any of these features by another lane (the exposure ledger names them).
         */
        features?: string[];
        /**
         * Users of these Rollout tasks' lanes.
         */
        lanes?: string[];
      };
    };
    /**
     * An SOP template pinned by version: name@version. Its defaults fill what this task leaves out.
     */
    template?: string;
    /**
     * The canary's share of traffic (of its audience, if it has one) at each step, ascending; 100% at the end promotes the version.
     *
     * @minItems 1
     *
     * Items: A percentage: "20%" or 20.
     */
    steps?: (string | number)[];
    /**
     * How long each step holds, gates checked, before the next.
     */
    interval?: string;
    /**
     * Datacenters of the service; checked to exist, not used by this version's Rollout plans.
     */
    datacenters?: string[];
    analysis?: Analysis;
    /**
     * How a lane is judged against the stable version on the same audience (5xx share).
     */
    compare?: {
      /**
       * One sample's period: at least four scrape intervals.
       */
      sample?: string;
      /**
       * Samples each side needs before a verdict; the test reads the latest twice this many.
       */
      minSamples?: number;
      /**
       * A percentage: "20%" or 20.
       */
      minEffect?: string | number;
    };
    approval?: Approval;
  };
}
/**
 * The task's name and what it acts on.
 */
export interface Metadata {
  /**
   * The name of the task, unique among the tasks of the repo.
   */
  name: string;
  /**
   * A service declared in services/.
   */
  service: string;
  /**
   * An environment of the service. Default: the config's defaultEnv if the service has that environment, else the service's first environment.
   */
  env?: string;
  /**
   * Free text for people reading the task; ZeroOps does not act on it.
   */
  description?: string;
  /**
   * Free labels for people and tools (text values); ZeroOps does not act on them.
   */
  labels?: {
    [k: string]: string;
  };
}
/**
 * A gate: a limit on one of the service's metrics.
 */
export interface AnalysisRule {
  /**
   * A metric binding of the service: a key of its spec.metrics.
   */
  metric: string;
  /**
   * The gate is breached when the metric is above this. Write max, min or both.
   */
  max?: string | number;
  /**
   * The gate is breached when the metric is below this.
   */
  min?: string | number;
  /**
   * How far back the metric is read: it replaces $window in the service's query. Not allowed when the query has no $window.
   */
  window?: string;
  /**
   * When the gate is meant to hold: during a step, after it, or both. Recorded in the plan; this version checks every gate while a step holds, whatever its phase.
   */
  phase?: 'during' | 'after' | 'both';
}
/**
 * Approvals this task asks for: it can raise the config policy's bar, never lower it.
 */
export interface Approval {
  /**
   * How many approvals the plan needs at least. Default: the number the config's policy asks for.
   */
  required?: number;
  /**
   * Require an approval from an owner of the service. Default: as the config's policy says (false cannot lower it).
   */
  owners?: boolean;
}

/**
 * Metric gates, checked while the plan's steps hold: a breach rolls the run back, missing data pauses it.
 */
/**
 * Move traffic between datacenters by changing their weights, gated by metrics, with a restore path.
 */
export interface TrafficShift {
  /**
   * The version of the task language.
   */
  apiVersion: 'zeroops.dev/v1';
  /**
   * What the document is: TrafficShift.
   */
  kind: 'TrafficShift';
  metadata: Metadata;
  /**
   * Which datacenter weights to reach, and how gradually.
   */
  spec: {
    /**
     * Target weight per datacenter, in percent of its normal weight (0% takes it out of service); datacenters not named keep their weight.
     */
    weights: {
      /**
       * A percentage: "20%" or 20.
       */
      [k: string]: string | number;
    };
    /**
     * Weights at the start, per datacenter, in percent of normal: the increments start from them. Default: 100% for each datacenter.
     */
    from?: {
      /**
       * A percentage: "20%" or 20.
       */
      [k: string]: string | number;
    };
    /**
     * Move in this many equal increments.
     */
    steps?: number;
    /**
     * How long each increment holds, gates checked, before the next.
     */
    interval?: string;
    /**
     * An SOP template pinned by version: name@version. Its defaults fill what this task leaves out.
     */
    template?: string;
    /**
     * Why, in a few words: shown in the plan's summary.
     */
    reason?: string;
    analysis?: Analysis;
    approval?: Approval;
  };
}
/**
 * The task's name and what it acts on.
 */
/**
 * A gate: a limit on one of the service's metrics.
 */
/**
 * Approvals this task asks for: it can raise the config policy's bar, never lower it.
 */
/**
 * Metric gates, checked while the plan's steps hold: a breach rolls the run back, missing data pauses it.
 */
/**
 * A rolling restart in batches, each gated on health.
 */
export interface Restart {
  /**
   * The version of the task language.
   */
  apiVersion: 'zeroops.dev/v1';
  /**
   * What the document is: Restart.
   */
  kind: 'Restart';
  metadata: Metadata;
  /**
   * Where to restart, how many instances at once, how long to wait between batches.
   */
  spec: {
    /**
     * Datacenters of the service whose instances are restarted. Default: every datacenter of the service.
     */
    datacenters?: string[];
    /**
     * Instances restarted at once.
     */
    batchSize?: number;
    /**
     * How long to hold after each batch is back in service, gates checked, before the next.
     */
    interval?: string;
    /**
     * An SOP template pinned by version: name@version. Its defaults fill what this task leaves out.
     */
    template?: string;
    /**
     * Why, in a few words: shown in the plan's summary.
     */
    reason?: string;
    analysis?: Analysis;
    approval?: Approval;
    /**
     * Restart only these instances (HAProxy server names of the service's datacenters), e.g. the one bad instance the patrol found. Default: every instance of the datacenters.
     *
     * @minItems 1
     *
     * Items: Write an HAProxy backend or server name with letters, digits, _ . : and - only (nothing that could end a command on its admin socket).
     */
    instances?: string[];
  };
}
/**
 * The task's name and what it acts on.
 */
/**
 * A gate: a limit on one of the service's metrics.
 */
/**
 * Approvals this task asks for: it can raise the config policy's bar, never lower it.
 */
/**
 * Metric gates, checked while the plan's steps hold: a breach rolls the run back, missing data pauses it.
 */
/**
 * Change the number of replicas of a service's workloads, gated by metrics.
 */
export interface Scale {
  /**
   * The version of the task language.
   */
  apiVersion: 'zeroops.dev/v1';
  /**
   * What the document is: Scale.
   */
  kind: 'Scale';
  metadata: Metadata;
  /**
   * How many replicas, and where.
   */
  spec: {
    /**
     * The replica count of the service's Kubernetes deployment in each datacenter.
     */
    replicas: number;
    /**
     * Datacenters of the service to scale. Default: every datacenter of the service.
     */
    datacenters?: string[];
    /**
     * How long to hold after each datacenter, gates checked, before the next.
     */
    interval?: string;
    /**
     * An SOP template pinned by version: name@version. Its defaults fill what this task leaves out.
     */
    template?: string;
    analysis?: Analysis;
    approval?: Approval;
  };
}
/**
 * The task's name and what it acts on.
 */
/**
 * A gate: a limit on one of the service's metrics.
 */
/**
 * Approvals this task asks for: it can raise the config policy's bar, never lower it.
 */
/**
 * Metric gates, checked while the plan's steps hold: a breach rolls the run back, missing data pauses it.
 */
/**
 * Change configuration keys of a service, applied by hot reload or restart, with a revert.
 */
export interface ConfigUpdate {
  /**
   * The version of the task language.
   */
  apiVersion: 'zeroops.dev/v1';
  /**
   * What the document is: ConfigUpdate.
   */
  kind: 'ConfigUpdate';
  metadata: Metadata;
  /**
   * Which keys to set, where, and how they take effect.
   */
  spec: {
    /**
     * Configuration keys and their new values, for the service's config command. Keys that look like secrets are refused.
     */
    set: {
      [k: string]: string | number | boolean;
    };
    /**
     * How the new values take effect in each datacenter: hot-reload or restart.
     */
    apply?: 'hot-reload' | 'restart';
    /**
     * Datacenters of the service to change. Default: every datacenter of the service.
     */
    datacenters?: string[];
    /**
     * An SOP template pinned by version: name@version. Its defaults fill what this task leaves out.
     */
    template?: string;
    analysis?: Analysis;
    approval?: Approval;
  };
}
/**
 * The task's name and what it acts on.
 */
/**
 * A gate: a limit on one of the service's metrics.
 */
/**
 * Approvals this task asks for: it can raise the config policy's bar, never lower it.
 */
/**
 * Metric gates, checked while the plan's steps hold: a breach rolls the run back, missing data pauses it.
 */
/**
 * A database schema change. Destructive statements become a staged expand/contract flow.
 */
export interface SchemaChange {
  /**
   * The version of the task language.
   */
  apiVersion: 'zeroops.dev/v1';
  /**
   * What the document is: SchemaChange.
   */
  kind: 'SchemaChange';
  metadata: Metadata;
  /**
   * The database and the change: sql, or replaceColumn.
   */
  spec: {
    /**
     * A database of the service (its spec.databases).
     */
    database: string;
    /**
     * SQL statements in the database's own dialect (PostgreSQL, or MySQL/MariaDB for engine: mysql), separated by semicolons. Additive ones run as written; destructive ones become staged flows; anything else is refused. Write sql or replaceColumn.
     */
    sql?: string;
    /**
     * Replace a column by a new one through the staged expand/contract flow.
     */
    replaceColumn?: {
      /**
       * The table, schema-qualified if it is not in the search path.
       */
      table: string;
      /**
       * The column replaced.
       */
      from: string;
      /**
       * The new column.
       */
      to: string;
      /**
       * SQL type of the new column.
       */
      type: string;
      /**
       * SQL expression computing the new value from the old column. Default: the old column as it is.
       */
      using?: string;
      /**
       * What a value `using` cannot convert becomes: fail, null, or keep-text-in <column>.
       */
      onInvalid?: string;
    };
    /**
     * Rows per batch of the backfill.
     */
    batchSize?: number;
    /**
     * How long the renamed old column (or table) is watched, unused and with the gates holding, before it is dropped.
     */
    observeFor?: string;
    /**
     * PostgreSQL's lock_timeout for each statement: one that waits longer for a lock fails and is retried.
     */
    lockTimeout?: string;
    /**
     * How long pg_stat_statements is watched to tell whether a column is still used.
     */
    readersWindow?: string;
    /**
     * An SOP template pinned by version: name@version. Its defaults fill what this task leaves out.
     */
    template?: string;
    analysis?: Analysis;
    approval?: Approval;
  };
}
/**
 * The task's name and what it acts on.
 */
/**
 * A gate: a limit on one of the service's metrics.
 */
/**
 * Approvals this task asks for: it can raise the config policy's bar, never lower it.
 */
/**
 * Metric gates, checked while the plan's steps hold: a breach rolls the run back, missing data pauses it.
 */
/**
 * Provider actions, run one after another in the order written.
 */
export interface Runbook {
  /**
   * The version of the task language.
   */
  apiVersion: 'zeroops.dev/v1';
  /**
   * What the document is: Runbook.
   */
  kind: 'Runbook';
  metadata: Metadata;
  /**
   * The steps, and the gates and approvals around them.
   */
  spec: {
    /**
     * serial: the steps run one after another, in the order written. parallel is refused: this version does not run graphs.
     */
    mode?: 'serial' | 'parallel';
    /**
     * The steps, run one after another in the order written.
     *
     * @minItems 1
     */
    steps: {
      /**
       * The name of the step, unique in the runbook: scripts see it as ZEROOPS_STEP, and /zeroops approve-step names it.
       */
      name: string;
      action: Action;
      undo?: Action1;
      /**
       * The steps this one waits for. This version runs the steps in the order written, so only the step just before is accepted.
       */
      needs?: string[];
      /**
       * How long the action may take before the attempt fails (a script is stopped after 10m at most).
       */
      timeout?: string;
      /**
       * How many more times a failed action is tried before the run rolls back.
       */
      retries?: number;
      /**
       * Wait for /zeroops approve-step <name> before this step.
       */
      approve?: boolean;
    }[];
    /**
     * An SOP template pinned by version: name@version. Its defaults fill what this task leaves out.
     */
    template?: string;
    analysis?: Analysis;
    approval?: Approval;
  };
}
/**
 * The task's name and what it acts on.
 */
/**
 * What the step does: an operation this version executes (see Runbook actions in docs/reference.md).
 */
export interface Action {
  /**
   * The system the operation acts on.
   */
  provider: 'haproxy' | 'kubernetes' | 'command' | 'webhook' | 'prometheus' | 'notify';
  /**
   * What to do, e.g. run (command) or call (webhook).
   */
  operation: string;
  /**
   * The operation's parameters, as docs/reference.md lists them for each operation.
   */
  params?: {};
}
/**
 * What undoes the step when the run rolls back after the step started (even if it failed). Without it, the step is not undone.
 */
export interface Action1 {
  /**
   * The system the operation acts on.
   */
  provider: 'haproxy' | 'kubernetes' | 'command' | 'webhook' | 'prometheus' | 'notify';
  /**
   * What to do, e.g. run (command) or call (webhook).
   */
  operation: string;
  /**
   * The operation's parameters, as docs/reference.md lists them for each operation.
   */
  params?: {};
}
/**
 * A gate: a limit on one of the service's metrics.
 */
/**
 * Approvals this task asks for: it can raise the config policy's bar, never lower it.
 */
/**
 * Inventory entry of a service: owners, environments, datacenters, deploy provider, metrics, databases, inspections.
 */
export interface Service {
  /**
   * The version of the task language.
   */
  apiVersion: 'zeroops.dev/v1';
  /**
   * What the document is: Service.
   */
  kind: 'Service';
  /**
   * The service's name.
   */
  metadata: {
    /**
     * The name tasks give in metadata.service.
     */
    name: string;
    /**
     * What the service is, for people.
     */
    description?: string;
  };
  /**
   * Who owns the service, where it runs, and how it is operated.
   */
  spec: {
    /**
     * GitHub logins (alice) or teams as org/team-slug (acme/payments), without @. Owners count from the default branch's approved state.
     *
     * @minItems 1
     *
     * Items: Write a GitHub login (alice) or a team as org/team-slug (acme/payments), without @.
     */
    owners: string[];
    /**
     * The environments the service runs in; a task's metadata.env must be one of them.
     *
     * @minItems 1
     */
    environments: string[];
    /**
     * How versions of the service are deployed.
     */
    deploy?: {
      /**
       * haproxy: HAProxy servers; kubernetes: Deployments; command: a script; fleet: lanes.
       */
      provider: 'haproxy' | 'kubernetes' | 'command' | 'fleet';
      /**
       * The deploy script and its arguments (command provider): argv[0] is a file under scripts/.
       */
      command?: string[];
    };
    /**
     * Where the service runs, and how its instances are reached there.
     *
     * @minItems 1
     */
    datacenters: {
      /**
       * The datacenter's name: tasks use it, and it is the datacenter's server in haproxyPool.
       */
      name: string;
      /**
       * The datacenter's normal weight in haproxyPool: TrafficShift percentages are of this weight, and 0 means it serves no traffic.
       */
      weight?: number;
      /**
       * The datacenter's HAProxy backend and its servers (needed when the service deploys through haproxy).
       */
      haproxy?: {
        /**
         * The backend holding the datacenter's instances.
         */
        backend: string;
        /**
         * The service's instances: server names in the backend, as restart.command receives them.
         *
         * @minItems 1
         *
         * Items: Write an HAProxy backend or server name with letters, digits, _ . : and - only (nothing that could end a command on its admin socket).
         */
        servers: string[];
      };
      /**
       * The datacenter's Kubernetes workload (needed by Scale, and when the service deploys through kubernetes).
       */
      kubernetes?: {
        /**
         * The kubeconfig context of the cluster.
         */
        context?: string;
        /**
         * The namespace of the Deployment.
         */
        namespace: string;
        /**
         * The name of the Deployment.
         */
        deployment: string;
        /**
         * The replicas it normally runs: Scale plans show it and judge their risk by it.
         */
        replicas?: number;
      };
    }[];
    /**
     * Write an HAProxy backend or server name with letters, digits, _ . : and - only (nothing that could end a command on its admin socket).
     */
    haproxyPool?: string;
    /**
     * Named PromQL queries, which gates (analysis) and inspections refer to by name.
     */
    metrics?: {
      [k: string]: {
        /**
         * PromQL. Write [$window] where its range goes: a gate evaluates it over the gate's window (default 1m). Without $window the query's own range applies and a gate may not set a window.
         */
        query: string;
        /**
         * What the value measures, which says how limits on it are written: ratio as percentages (2%), seconds as durations (300ms), bytes as sizes (512Mi), count and per-second as plain numbers.
         */
        unit?: 'ratio' | 'seconds' | 'bytes' | 'count' | 'per-second';
        /**
         * What the metric says about the service, for the patrol's diagnosis: errors (a ratio of failed requests), traffic (requests per second), latency (seconds), goroutines, memory (bytes), started (when each instance's process started, in seconds since the epoch, as process_start_time_seconds: a restart then begins what a leak inspection judges, so a new process' warm-up is not taken for a leak). Without it, a name says it: error_rate or errors, requests or traffic, latency_*, goroutines, memory_*, process_start*.
         */
        role?: 'errors' | 'traffic' | 'latency' | 'goroutines' | 'memory' | 'started';
        /**
         * The same metric per instance, for diagnosis: PromQL returning one series per instance, labelled with its datacenter, version and instance (label names in spec.labels). Write [$window] where its range goes. Without it the patrol sees only the service as a whole.
         */
        series?: string;
      };
    };
    /**
     * The databases of the service, which SchemaChange tasks name.
     */
    databases?: {
      /**
       * The name SchemaChange tasks give in spec.database.
       */
      name: string;
      /**
       * SchemaChange reads its SQL in this dialect (mysql: MySQL 8, MariaDB 10.5+).
       */
      engine: 'postgres' | 'mysql';
    }[];
    /**
     * How instances are restarted: needed by Restart tasks of an HAProxy service.
     */
    restart?: {
      /**
       * The restart script and its arguments: argv[0] is a file under scripts/; ZeroOps appends the names of the instances to restart.
       *
       * @minItems 1
       */
      command: string[];
    };
    /**
     * How configuration is changed: needed by ConfigUpdate tasks.
     */
    config?: {
      /**
       * The config script and its arguments: argv[0] is a file under scripts/. ConfigUpdate plans name it; this version does not run them.
       *
       * @minItems 1
       */
      command: string[];
    };
    /**
     * Scheduled checks of the service's metrics. This version checks how they are written but does not run them.
     */
    inspections?: {
      /**
       * The name of the inspection.
       */
      name: string;
      /**
       * A metric of spec.metrics to watch.
       */
      metric: string;
      /**
       * threshold: above max; leak: a steady climb; anomaly: unusual values.
       */
      detect: 'threshold' | 'leak' | 'anomaly';
      /**
       * The limit of a threshold inspection (required with detect: threshold).
       */
      max?: string | number;
      /**
       * How often to inspect.
       */
      every?: string;
      /**
       * How much history one inspection reads.
       */
      window?: string;
      /**
       * The remediation ZeroOps offers first when the inspection finds a problem it can fix that way: rolling-restart, restart-instance, drain-datacenter or rollback-change (optionally a Restart template as name@version, e.g. rolling-restart@1, for its batches). The diagnosis ranks the others.
       */
      remediate?: string;
    }[];
    /**
     * The datacenter watch: each scrape judges every datacenter against its own baseline and its peers; a slow one is drained (as far as the others can carry it), probed, and warmed back up once healthy. Needs the service's latency metric with a per-instance `series`, and haproxyPool.
     */
    failover?: {
      /**
       * How often every datacenter is read and judged.
       */
      every?: string;
      /**
       * The window the metric series are read over ($window in their queries).
       */
      window?: string;
      /**
       * How long a datacenter stays degraded before it is drained.
       */
      enterAfter?: string;
      /**
       * How long a drained datacenter must stay healthy before its warm-up; doubled at each relapse.
       */
      recoveryDwell?: string;
      /**
       * The warm-up's shares of the datacenter's normal traffic, rising, the last 100%.
       *
       * @minItems 1
       *
       * Items: A percentage: "20%" or 20.
       */
      warmUp?: (string | number)[];
      /**
       * How long each warm-up step is held healthy before the next.
       */
      stepHold?: string;
      /**
       * How long a weight override holds before the watch decides it again on what it sees (renewed only while the datacenter is not healthy; shown on the incident).
       */
      overrideTtl?: string;
      /**
       * Requests per second each datacenter can serve, by datacenter name; where unsaid, its current load plus headroom.
       */
      capacity?: {
        [k: string]: number;
      };
      /**
       * A percentage: "20%" or 20.
       */
      headroom?: string | number;
      /**
       * A percentage: "20%" or 20.
       */
      maxUtilisation?: string | number;
      /**
       * The metric in spec.metrics whose per-instance `series` is the share of requests that timed out or were retried (a ratio); judged like errors. Unsaid: not judged.
       */
      timeouts?: string;
      /**
       * The path ZeroOps requests on a drained datacenter's servers to go on measuring it.
       */
      probePath?: string;
    };
    /**
     * Which labels of the metrics' per-instance series name the datacenter, the version and the instance.
     */
    labels?: {
      /**
       * The label naming the datacenter.
       */
      datacenter?: string;
      /**
       * The label naming the running version.
       */
      version?: string;
      /**
       * The label naming the instance (defaults to Prometheus' own instance label, host:port).
       */
      instance?: string;
    };
    /**
     * Where the patrol fetches goroutine and heap profiles to name the function a goroutine or memory leak lives in.
     */
    profiles?: {
      /**
       * URL of an instance's goroutine profile in text form (?debug=1); {address} is replaced by the instance's scrape address (Prometheus' instance label, host:port).
       */
      goroutines?: string;
      /**
       * URL of an instance's heap profile (pprof's protocol buffer, gzipped or not, as Go's /debug/pprof/heap serves it); {address} as for goroutines. Names the allocation sites a memory leak grows in. ZeroOps adds gc=1 unless the URL sets gc: Go's heap profile is otherwise as of the last collection, and two profiles between collections would show no growth.
       */
      heap?: string;
    };
    /**
     * Resource limits of one instance, so the patrol can say when a leak reaches them.
     */
    limits?: {
      /**
       * Memory limit of an instance, with a unit: 512Mi, 2Gi, 800MB.
       */
      memory?: string;
    };
    /**
     * The service's objective: its error budget's burn rate sets an incident's severity.
     */
    slo?: {
      /**
       * The share of requests that must succeed.
       */
      availability?: string;
    };
  };
}

/**
 * The ops repo's .zeroops/config.yaml: provider endpoints, approval policy, change windows, autonomy.
 */
export interface Config {
  /**
   * The version of the task language.
   */
  apiVersion: 'zeroops.dev/v1';
  /**
   * What the document is: Config.
   */
  kind: 'Config';
  /**
   * A name and a description, for people.
   */
  metadata?: {
    /**
     * A name for people.
     */
    name?: string;
    /**
     * What the repo is, for people.
     */
    description?: string;
  };
  /**
   * Providers, approval policy, change windows and autonomy.
   */
  spec: {
    /**
     * The environment of tasks that name none, when their service has it.
     */
    defaultEnv?: string;
    /**
     * Where ZeroOps reaches the systems it acts on. A run uses those of the config it was approved under.
     */
    providers?: {
      /**
       * The Prometheus that gates are read from.
       */
      prometheus?: {
        /**
         * The base URL of the Prometheus HTTP API, without a password in it.
         */
        url: string;
        /**
         * Not used by this version: a gate query times out after 5s.
         */
        timeout?: string;
        bearerToken?: SecretRef;
        /**
         * How often Prometheus scrapes the services: the patrol reads rates over at least four intervals, as Prometheus advises.
         */
        scrapeInterval?: string;
      };
      /**
       * The HAProxy whose weights and server states ZeroOps sets.
       */
      haproxy?: {
        /**
         * Path of the admin socket, or host:port.
         */
        socket: string;
        /**
         * Canary lanes: the route table and the lane slots HAProxy has (README, Canary lanes).
         */
        lanes?: {
          /**
           * Path of the route table's map file, as HAProxy's configuration names it.
           */
          routeTable: string;
          /**
           * Lanes live at once: the configuration's lane backends are numbered 1 to this.
           */
          slots: number;
        };
      };
      /**
       * The orchestrator that starts lane instances (services deployed through the fleet).
       */
      fleet?: {
        /**
         * Base URL of the fleet API.
         */
        url: string;
      };
      /**
       * The PostgreSQL databases SchemaChange tasks change (engine: postgres).
       */
      postgres?: {
        /**
         * Connections, by database name.
         */
        databases: {
          [k: string]: {
            url: SecretRef1;
          };
        };
      };
      /**
       * The MySQL or MariaDB databases SchemaChange tasks change (engine: mysql).
       */
      mysql?: {
        /**
         * Connections, by database name.
         */
        databases: {
          [k: string]: {
            url: SecretRef2;
          };
        };
      };
      /**
       * Kubernetes access (no Kubernetes operation executes in this version).
       */
      kubernetes?: {
        kubeconfig?: SecretRef3;
        /**
         * The kubeconfig context.
         */
        context?: string;
      };
      /**
       * How webhook steps sign what they send.
       */
      webhook?: {
        secret?: SecretRef4;
        /**
         * Environment variables a webhook step may sign with (its params.secretEnv). ZeroOps' own credentials are never allowed.
         *
         * Items: Write an environment variable name, e.g. DEPLOY_HOOK_SECRET.
         */
        secretEnv?: string[];
      };
      /**
       * ChatOps: the chat robots told when runs start, breach a gate, roll back or fail, and when incidents open and resolve.
       */
      notify?: {
        /**
         * The robots to tell; each notice goes to every channel it concerns.
         *
         * @minItems 1
         *
         * Items: One chat robot: its kind, the variable holding its webhook URL, and what it hears about.
         */
        channels: {
          /**
           * The channel's name, unique in the list: logs and errors name it (never its URL).
           */
          name: string;
          /**
           * The robot: a Slack incoming webhook, a WeCom (企业微信) group robot or a DingTalk (钉钉) custom robot.
           */
          type: 'slack' | 'wecom' | 'dingtalk';
          url: SecretRef5;
          secret?: SecretRef6;
          /**
           * Only notices about these services (default: every service).
           *
           * Items: A service of the inventory (services/<name>.yaml).
           */
          services?: string[];
          /**
           * Only incidents of these severities (default: all); notices about runs are not filtered by it.
           *
           * Items: An incident severity: sev1 is the worst.
           */
          severities?: ('sev1' | 'sev2' | 'sev3' | 'sev4')[];
          /**
           * Only these notices (default: all of them).
           *
           * Items: What happened: a run started, a step's gate breached, a run rolled back, failed, succeeded or was aborted, an incident opened or resolved.
           */
          events?: (
            | 'run-started'
            | 'step-breached'
            | 'rolled-back'
            | 'run-failed'
            | 'run-succeeded'
            | 'run-aborted'
            | 'incident-opened'
            | 'incident-resolved'
          )[];
        }[];
      };
    };
    /**
     * Branches besides the default branch whose merges execute, e.g. [release/*]. Only the default branch's config counts.
     *
     * Items: Write a branch name or a pattern such as release/*.
     */
    executeOn?: string[];
    /**
     * How many approvals a plan needs. Only the default branch's config counts.
     */
    policy?: {
      /**
       * Approvals a plan needs when no rule matches.
       */
      defaultApprovals?: number;
      /**
       * Whether an owner of the service must be among the approvers when no rule matches.
       */
      requireOwner?: boolean;
      /**
       * Rules for particular plans: the first that matches applies.
       */
      rules?: {
        /**
         * Matches plans of this environment. Default: every environment.
         */
        env?: string;
        /**
         * Matches plans whose risk is one of these. Default: any risk.
         */
        risk?: ('low' | 'medium' | 'high' | 'critical')[];
        /**
         * Matches tasks of this kind. Default: every kind.
         */
        kind?: string;
        /**
         * Approvals a matching plan needs.
         */
        required: number;
        /**
         * Whether an owner of the service must approve a matching plan. Default: requireOwner.
         */
        owner?: boolean;
      }[];
    };
    /**
     * Change windows: where an environment has some, its runs start only inside one; a merge outside waits for the next.
     */
    windows?: {
      /**
       * The name plans and reasons show.
       */
      name: string;
      /**
       * The environment the window governs. Default: every environment.
       */
      env?: string;
      /**
       * The days on which the window starts.
       *
       * @minItems 1
       */
      days: ('mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun')[];
      /**
       * Write a time of day as HH:MM, e.g. 22:00.
       */
      from: string;
      /**
       * Write a time of day as HH:MM (24:00 for the end of the day); before from, the window ends the next day.
       */
      to: string;
      /**
       * The IANA time zone of from and to.
       */
      timezone: string;
    }[];
    /**
     * Periods when nothing starts in the environment, even after approval.
     */
    freezes?: {
      /**
       * The name plans and reasons show.
       */
      name: string;
      /**
       * The environment frozen. Default: every environment.
       */
      env?: string;
      /**
       * Start, ISO 8601 date and time.
       */
      from: string;
      /**
       * End, ISO 8601 date and time.
       */
      to: string;
    }[];
    /**
     * How far ZeroOps may go on its own with a remediation the patrol found: observe (record it), suggest (propose it as a pull request), confirm (run it when a person with write access comments /zeroops remediate <option> on the incident) or auto (run it at once). The first matching rule decides, then the remediation's task kind, then default.
     */
    autonomy?: {
      /**
       * The level when no rule and no kind says otherwise.
       */
      default?: 'observe' | 'suggest' | 'confirm' | 'auto';
      /**
       * The level per task kind of the remediation (Restart, TrafficShift, Runbook).
       */
      kinds?: {
        [k: string]: 'observe' | 'suggest' | 'confirm' | 'auto';
      };
      /**
       * Levels for particular incidents, first match wins; a rule's missing fields match anything. A successful remediation offers a pull request adding one (auto for that class, service and remediation).
       */
      rules?: {
        /**
         * The service the rule is for.
         */
        service?: string;
        /**
         * The class of cause the rule is for.
         */
        class?:
          | 'goroutine-leak'
          | 'memory-leak'
          | 'release-regression'
          | 'datacenter-problem'
          | 'load'
          | 'bad-instance';
        /**
         * The remediation the rule is for.
         */
        remediation?:
          'rolling-restart' | 'restart-instance' | 'drain-datacenter' | 'rollback-change' | 'scale-out';
        /**
         * The severities the rule is for.
         */
        severity?: ('sev1' | 'sev2' | 'sev3' | 'sev4')[];
        /**
         * How far ZeroOps may go.
         */
        level: 'observe' | 'suggest' | 'confirm' | 'auto';
      }[];
    };
    /**
     * What ZeroOps does with what it remembers of runs and incidents.
     */
    knowledge?: {
      /**
       * A knowledge report filed as an issue at a regular interval: the most common causes, the remediations that fixed them, the templates that fail most, the time to recover.
       */
      report?: {
        /**
         * How often, and over what period: each report covers the interval before it (at least a day: shorter is read as a day).
         */
        every: string;
      };
    };
    /**
     * What ZeroOps does with the incidents the patrol files.
     */
    incidents?: {
      /**
       * Close an incident's issue when its signal has been back to normal for resolvedAfter (else it is labelled resolved, and a person closes it).
       */
      closeWhenResolved?: boolean;
      /**
       * How long the signal must be normal before an incident counts as resolved.
       */
      resolvedAfter?: string;
    };
  };
}
/**
 * The variable holding a bearer token for Prometheus. Not sent by this version.
 */
export interface SecretRef {
  /**
   * The name of an environment variable of ZeroOps: upper-case letters, digits and _.
   */
  env: string;
}
/**
 * The variable holding the database's connection URL.
 */
export interface SecretRef1 {
  /**
   * The name of an environment variable of ZeroOps: upper-case letters, digits and _.
   */
  env: string;
}
/**
 * The variable holding the database's connection URL.
 */
export interface SecretRef2 {
  /**
   * The name of an environment variable of ZeroOps: upper-case letters, digits and _.
   */
  env: string;
}
/**
 * The variable holding the kubeconfig.
 */
export interface SecretRef3 {
  /**
   * The name of an environment variable of ZeroOps: upper-case letters, digits and _.
   */
  env: string;
}
/**
 * The signing secret of webhook steps that name none.
 */
export interface SecretRef4 {
  /**
   * The name of an environment variable of ZeroOps: upper-case letters, digits and _.
   */
  env: string;
}
/**
 * The variable holding the robot's webhook URL (its token is in it), set on every worker.
 */
export interface SecretRef5 {
  /**
   * The name of an environment variable of ZeroOps: upper-case letters, digits and _.
   */
  env: string;
}
/**
 * DingTalk only: the variable holding the robot's signing secret (加签, SEC…); each message is signed with it.
 */
export interface SecretRef6 {
  /**
   * The name of an environment variable of ZeroOps: upper-case letters, digits and _.
   */
  env: string;
}

/**
 * A versioned SOP template: default spec fields for one task kind. Tasks pin it as name@version.
 */
export interface Template {
  /**
   * The version of the task language.
   */
  apiVersion: 'zeroops.dev/v1';
  /**
   * What the document is: Template.
   */
  kind: 'Template';
  /**
   * The template's name.
   */
  metadata: {
    /**
     * The name tasks pin as name@version.
     */
    name: string;
    /**
     * What the template is for, for people.
     */
    description?: string;
  };
  /**
   * The task kind and the versions.
   */
  spec: {
    /**
     * The task kind whose spec fields the template provides.
     */
    kind: 'Rollout' | 'TrafficShift' | 'Restart' | 'Scale' | 'ConfigUpdate' | 'SchemaChange' | 'Runbook';
    /**
     * The versions of the template; a task pins one by its number.
     *
     * @minItems 1
     */
    versions: {
      /**
       * The number tasks pin: name@version.
       */
      version: number;
      /**
       * What this version does, for people.
       */
      description?: string;
      /**
       * Tasks that pin this version get a warning naming a version to pin instead.
       */
      deprecated?: boolean;
      /**
       * Spec fields of the kind (except template), used where a task leaves them out.
       */
      defaults: {};
    }[];
  };
}
