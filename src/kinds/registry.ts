/** Task kind → its module. Adding a kind means a folder under kinds/ and a line here. */
import type { TaskKind } from '../manifest/schemas.js';
import { configUpdate } from './config-update/index.js';
import type { KindModule } from './kind.js';
import { restart } from './restart/index.js';
import { rollout } from './rollout/index.js';
import { runbook } from './runbook/index.js';
import { scale } from './scale/index.js';
import { schemaChange } from './schema-change/index.js';
import { trafficShift } from './traffic-shift/index.js';

export const kinds: Record<TaskKind, KindModule> = {
  Rollout: rollout,
  TrafficShift: trafficShift,
  Restart: restart,
  Scale: scale,
  ConfigUpdate: configUpdate,
  SchemaChange: schemaChange,
  Runbook: runbook,
};
