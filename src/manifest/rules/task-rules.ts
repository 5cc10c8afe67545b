/** The rules every task is checked against, whatever its kind, in two passes. */
import type { TaskManifest } from '../model.js';
import { durationsParse } from './durations.js';
import type { Rule } from './rule.js';
import { datacenterExists, environmentExists, metricExists, serviceExists } from './task-references.js';
import { uniqueTaskName } from './task-names.js';
import { templateExists } from './task-templates.js';

/** What a task names must exist before it can be completed from it. */
export const referenceRules: Rule<TaskManifest>[] = [serviceExists, environmentExists, templateExists, uniqueTaskName];

/** Checked on the completed task: the task's own values and those its template and service filled in. */
export const valueRules: Rule<TaskManifest>[] = [datacenterExists, metricExists, durationsParse as Rule<TaskManifest>];
