/** Markdown pieces of a postmortem: tables, bullets and sentences that survive any recorded text. Pure. */
import { cell } from '../../plan/markdown.js';

/** A table whose every cell is escaped: a `|` or a line break in recorded text cannot break it. */
export function table(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => cell(c) || '—').join(' | ')} |`;
  return [line(headers), `|${headers.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

/** One bullet per item, each kept on one line. */
export function bullets(items: string[], none: string): string {
  return (items.length ? items : [none]).map((item) => `- ${oneLine(item)}`).join('\n');
}

export const oneLine = (text: string): string => text.replace(/\s*\r?\n\s*/g, ' ').trim();

/** Text as a sentence: a capital first letter (for a plain word, never a name like `deploy-v1-3`) and a full stop. */
export function sentence(text: string): string {
  const t = oneLine(text);
  if (!t) return '';
  const capital = /^[a-z]+[\s,]/.test(t) ? `${t[0]!.toUpperCase()}${t.slice(1)}` : t;
  return `${capital}${/[.!?]$/.test(t) ? '' : '.'}`;
}
