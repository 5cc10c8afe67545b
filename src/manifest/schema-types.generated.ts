/* eslint-disable */
// Generated from schemas/ by `npm run schemas:types`. Do not edit.

export type Analysis = AnalysisRule[];

/**
 * A canary release of a new version, step by step, gated by metrics.
 */
export interface Rollout {
  apiVersion: 'zeroops.dev/v1';
  kind: 'Rollout';
  metadata: Metadata;
  spec: {
    version: string;
    features?: string[];
    /**
     * Lower-case letters, digits and dashes, like a Kubernetes name.
     */
    replaces?: string;
    audience?: {
      userTags?: string[];
      regions?: string[];
      os?: {
        [k: string]: string;
      };
    };
    /**
     * An SOP template pinned by version: name@version.
     */
    template?: string;
    /**
     * @minItems 1
     *
     * Items: A percentage: "20%" or 20.
     */
    steps?: (string | number)[];
    /**
     * A duration such as 30s, 10m, 1h30m or 2d.
     */
    interval?: string;
    datacenters?: string[];
    analysis?: Analysis;
    approval?: Approval;
  };
}
export interface Metadata {
  /**
   * Lower-case letters, digits and dashes, like a Kubernetes name.
   */
  name: string;
  /**
   * Lower-case letters, digits and dashes, like a Kubernetes name.
   */
  service: string;
  /**
   * An environment of the service; defaults to the config's defaultEnv.
   */
  env?: string;
  description?: string;
  labels?: {
    [k: string]: string;
  };
}
export interface AnalysisRule {
  /**
   * A metric binding of the service.
   */
  metric: string;
  /**
   * A limit in the metric's unit: "2%" for ratios, "300ms" for seconds, or a plain number.
   */
  max?: string | number;
  /**
   * A limit in the metric's unit: "2%" for ratios, "300ms" for seconds, or a plain number.
   */
  min?: string | number;
  /**
   * A duration such as 30s, 10m, 1h30m or 2d.
   */
  window?: string;
  phase?: 'during' | 'after' | 'both';
}
export interface Approval {
  required?: number;
  /**
   * Require an approval from an owner of the service.
   */
  owners?: boolean;
}

/**
 * Move traffic between datacenters by changing their weights, gated by metrics, with a restore path.
 */
export interface TrafficShift {
  apiVersion: 'zeroops.dev/v1';
  kind: 'TrafficShift';
  metadata: Metadata;
  spec: {
    /**
     * Target weight (0-100%) per datacenter; datacenters not named keep their weight.
     */
    weights: {
      /**
       * A percentage: "20%" or 20.
       */
      [k: string]: string | number;
    };
    /**
     * Weights assumed at the start, per datacenter (default: the normal 100%). The run checks them before it begins.
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
     * A duration such as 30s, 10m, 1h30m or 2d.
     */
    interval?: string;
    template?: string;
    reason?: string;
    analysis?: Analysis;
    approval?: Approval;
  };
}
/**
 * A rolling restart in batches, each gated on health.
 */
export interface Restart {
  apiVersion: 'zeroops.dev/v1';
  kind: 'Restart';
  metadata: Metadata;
  spec: {
    /**
     * Defaults to every datacenter of the service.
     */
    datacenters?: string[];
    /**
     * Instances restarted at once.
     */
    batchSize?: number;
    /**
     * A duration such as 30s, 10m, 1h30m or 2d.
     */
    interval?: string;
    template?: string;
    reason?: string;
    analysis?: Analysis;
    approval?: Approval;
  };
}
/**
 * Change the number of replicas of a service's workloads, gated by metrics.
 */
export interface Scale {
  apiVersion: 'zeroops.dev/v1';
  kind: 'Scale';
  metadata: Metadata;
  spec: {
    replicas: number;
    datacenters?: string[];
    /**
     * A duration such as 30s, 10m, 1h30m or 2d.
     */
    interval?: string;
    template?: string;
    analysis?: Analysis;
    approval?: Approval;
  };
}
/**
 * Change configuration keys of a service, applied by hot reload or restart, with a revert.
 */
export interface ConfigUpdate {
  apiVersion: 'zeroops.dev/v1';
  kind: 'ConfigUpdate';
  metadata: Metadata;
  spec: {
    set: {
      [k: string]: string | number | boolean;
    };
    apply?: 'hot-reload' | 'restart';
    datacenters?: string[];
    template?: string;
    analysis?: Analysis;
    approval?: Approval;
  };
}
/**
 * A database schema change. Destructive statements become a staged expand/contract flow.
 */
export interface SchemaChange {
  apiVersion: 'zeroops.dev/v1';
  kind: 'SchemaChange';
  metadata: Metadata;
  spec: {
    /**
     * A database of the service.
     */
    database: string;
    /**
     * PostgreSQL statements, separated by semicolons.
     */
    sql?: string;
    replaceColumn?: {
      table: string;
      from: string;
      to: string;
      /**
       * SQL type of the new column.
       */
      type: string;
      /**
       * SQL expression computing the new value from the old column.
       */
      using?: string;
    };
    batchSize?: number;
    /**
     * A duration such as 30s, 10m, 1h30m or 2d.
     */
    observeFor?: string;
    /**
     * A duration such as 30s, 10m, 1h30m or 2d.
     */
    lockTimeout?: string;
    template?: string;
    analysis?: Analysis;
    approval?: Approval;
  };
}
/**
 * Provider actions run in order, or in parallel where their needs allow.
 */
export interface Runbook {
  apiVersion: 'zeroops.dev/v1';
  kind: 'Runbook';
  metadata: Metadata;
  spec: {
    /**
     * serial: each step needs the one before it unless it says otherwise.
     */
    mode?: 'serial' | 'parallel';
    /**
     * @minItems 1
     */
    steps: {
      /**
       * Lower-case letters, digits and dashes, like a Kubernetes name.
       */
      name: string;
      action: Action;
      undo?: Action;
      needs?: string[];
      /**
       * A duration such as 30s, 10m, 1h30m or 2d.
       */
      timeout?: string;
      retries?: number;
      /**
       * Wait for /zeroops approve-step before this step.
       */
      approve?: boolean;
    }[];
    template?: string;
    analysis?: Analysis;
    approval?: Approval;
  };
}
export interface Action {
  provider: 'haproxy' | 'kubernetes' | 'postgres' | 'command' | 'webhook' | 'prometheus' | 'notify';
  operation: string;
  params?: {};
}
/**
 * Inventory entry of a service: owners, environments, datacenters, deploy provider, metrics, databases, inspections.
 */
export interface Service {
  apiVersion: 'zeroops.dev/v1';
  kind: 'Service';
  metadata: {
    /**
     * Lower-case letters, digits and dashes, like a Kubernetes name.
     */
    name: string;
    description?: string;
  };
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
     * @minItems 1
     */
    environments: string[];
    deploy?: {
      provider: 'haproxy' | 'kubernetes' | 'command';
      /**
       * Argument vector of the deploy script (command provider).
       */
      command?: string[];
    };
    /**
     * @minItems 1
     */
    datacenters: {
      /**
       * Lower-case letters, digits and dashes, like a Kubernetes name.
       */
      name: string;
      /**
       * Normal HAProxy weight of the datacenter's backend.
       */
      weight?: number;
      haproxy?: {
        /**
         * Write an HAProxy backend or server name with letters, digits, _ . : and - only (nothing that could end a command on its admin socket).
         */
        backend: string;
        /**
         * @minItems 1
         *
         * Items: Write an HAProxy backend or server name with letters, digits, _ . : and - only (nothing that could end a command on its admin socket).
         */
        servers: string[];
      };
      kubernetes?: {
        context?: string;
        namespace: string;
        deployment: string;
        replicas?: number;
      };
    }[];
    /**
     * Write an HAProxy backend or server name with letters, digits, _ . : and - only (nothing that could end a command on its admin socket).
     */
    haproxyPool?: string;
    metrics?: {
      [k: string]: {
        /**
         * PromQL. Write [$window] where its range goes: a gate evaluates it over the gate's window (default 1m). Without $window the query's own range applies and a gate may not set a window.
         */
        query: string;
        unit?: 'ratio' | 'seconds' | 'bytes' | 'count' | 'per-second';
      };
    };
    databases?: {
      name: string;
      engine: 'postgres' | 'mysql';
    }[];
    restart?: {
      /**
       * @minItems 1
       */
      command: string[];
    };
    config?: {
      /**
       * @minItems 1
       */
      command: string[];
    };
    inspections?: {
      /**
       * Lower-case letters, digits and dashes, like a Kubernetes name.
       */
      name: string;
      metric: string;
      detect: 'threshold' | 'leak' | 'anomaly';
      /**
       * A limit in the metric's unit: "2%" for ratios, "300ms" for seconds, or a plain number.
       */
      max?: string | number;
      /**
       * A duration such as 30s, 10m, 1h30m or 2d.
       */
      every?: string;
      /**
       * A duration such as 30s, 10m, 1h30m or 2d.
       */
      window?: string;
      /**
       * A template name@version to propose when the inspection fires.
       */
      remediate?: string;
    }[];
  };
}

/**
 * The ops repo's .zeroops/config.yaml: provider endpoints, approval policy, change windows, autonomy.
 */
export interface Config {
  apiVersion: 'zeroops.dev/v1';
  kind: 'Config';
  metadata?: {
    name?: string;
    description?: string;
  };
  spec: {
    defaultEnv?: string;
    providers?: {
      prometheus?: {
        url: string;
        /**
         * A duration such as 30s, 10m, 1h30m or 2d.
         */
        timeout?: string;
        bearerToken?: SecretRef;
      };
      haproxy?: {
        /**
         * Path of the admin socket, or host:port.
         */
        socket: string;
      };
      postgres?: {
        databases: {
          [k: string]: {
            url: SecretRef;
          };
        };
      };
      kubernetes?: {
        kubeconfig?: SecretRef;
        context?: string;
      };
      webhook?: {
        secret?: SecretRef1;
        /**
         * Environment variables a webhook step may sign with (its params.secretEnv). ZeroOps' own credentials are never allowed.
         *
         * Items: Write an environment variable name, e.g. DEPLOY_HOOK_SECRET.
         */
        secretEnv?: string[];
      };
    };
    /**
     * Branches besides the default branch whose merges execute, e.g. [release/*]. Only the default branch's config counts.
     *
     * Items: Write a branch name or a pattern such as release/*.
     */
    executeOn?: string[];
    policy?: {
      defaultApprovals?: number;
      requireOwner?: boolean;
      rules?: {
        env?: string;
        risk?: ('low' | 'medium' | 'high' | 'critical')[];
        kind?: string;
        required: number;
        owner?: boolean;
      }[];
    };
    windows?: {
      name: string;
      env?: string;
      /**
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
      timezone: string;
    }[];
    freezes?: {
      name: string;
      env?: string;
      from: string;
      to: string;
    }[];
    autonomy?: {
      default?: 'observe' | 'suggest' | 'confirm' | 'auto';
      kinds?: {
        [k: string]: 'observe' | 'suggest' | 'confirm' | 'auto';
      };
    };
  };
}
/**
 * A secret is never written in the repo: name the environment variable that holds it.
 */
export interface SecretRef {
  env: string;
}
/**
 * A secret is never written in the repo: name the environment variable that holds it.
 */
export interface SecretRef1 {
  env: string;
}

/**
 * A versioned SOP template: default spec fields for one task kind. Tasks pin it as name@version.
 */
export interface Template {
  apiVersion: 'zeroops.dev/v1';
  kind: 'Template';
  metadata: {
    /**
     * Lower-case letters, digits and dashes, like a Kubernetes name.
     */
    name: string;
    description?: string;
  };
  spec: {
    kind: 'Rollout' | 'TrafficShift' | 'Restart' | 'Scale' | 'ConfigUpdate' | 'SchemaChange' | 'Runbook';
    /**
     * @minItems 1
     */
    versions: {
      version: number;
      description?: string;
      deprecated?: boolean;
      /**
       * Spec fields of the kind, used where a task leaves them out.
       */
      defaults: {};
    }[];
  };
}
