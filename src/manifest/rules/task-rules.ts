/** The rules every task is checked against, whatever its kind. */
import type { TaskManifest } from '../model.js';
import { durationsParse } from './durations.js';
import type { Rule } from './rule.js';
import { datacenterExists, environmentExists, metricExists, serviceExists } from './task-references.js';
import { uniqueTaskName } from './task-names.js';
import { templateExists } from './task-templates.js';

export const taskRules: Rule<TaskManifest>[] = [
  serviceExists, environmentExists, datacenterExists, metricExists, durationsParse as Rule<TaskManifest>, templateExists, uniqueTaskName,
];
