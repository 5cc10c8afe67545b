// Markdown pieces of the reference: code spans, values as YAML, tables.
import { stringify } from 'yaml';

/** A value as it is written in a YAML file, on one line. */
export const yamlInline = (value: unknown): string =>
  stringify(value, { collectionStyle: 'flow', flowCollectionPadding: false, lineWidth: 0 }).trim();

/** Text as is, anything else as YAML, in a code span. */
export const code = (value: unknown): string => `\`${typeof value === 'string' ? value : yamlInline(value)}\``;

/** A value as YAML in a code span, quoted where YAML needs it. */
export const yamlCode = (value: unknown): string => `\`${yamlInline(value)}\``;

/** A fenced YAML block. */
export const yamlBlock = (value: unknown): string =>
  ['```yaml', stringify(value, { lineWidth: 0 }).trim(), '```'].join('\n');

// A pipe ends a table cell even inside a code span; outside one, `<name>` would be taken for HTML.
const cell = (text: string) =>
  text
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith('`') ? part : part.replace(/</g, '&lt;')))
    .join('')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');

export function table(headers: string[], rows: string[][]): string {
  return [headers, headers.map(() => '---'), ...rows].map((row) => `| ${row.map(cell).join(' | ')} |`).join('\n');
}
