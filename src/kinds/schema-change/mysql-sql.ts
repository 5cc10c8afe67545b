/**
 * What a SchemaChange's SQL does on MySQL or MariaDB, read with node-sql-parser (MariaDB dialect):
 * each statement is sorted into an online ALTER (copy and swap by pt-online-schema-change), a
 * staged drop, a plain additive statement, or refused with the reason and what to do instead.
 */
import sqlParser from 'node-sql-parser';
import { isIdentifier, oddNameReason, ownTableReason } from './sql-names.js';

export type MysqlStatementClass =
  | { type: 'drop-column'; table: string; column: string }
  | { type: 'drop-table'; tables: string[] }
  | {
      type: 'online-alter';
      table: string;
      alter: string;
      /** What the change leaves behind (a retried step sees it happened), and how to take it back. */
      expect: { column?: string; index?: string; present: true };
      /** Every column and index it adds: the preflight says which are there already. */
      adds: { columns: string[]; indexes: string[] };
      undoAlter: string;
    }
  | { type: 'additive'; table: string; sql: string; undo: string; note?: string; createsTable?: true }
  | { type: 'refused'; reason: string };

export interface MysqlStatement {
  text: string;
  offset: number;
  class: MysqlStatementClass;
}

export type MysqlAnalysis = { statements: MysqlStatement[] } | { error: string; offset: number };

const parser = new sqlParser.Parser();

/** node-sql-parser's MySQL grammar reads more ALTER forms; MariaDB's own syntax is the fallback. */
function parse(text: string): Node | Node[] {
  try {
    return parser.astify(text, { database: 'MySQL' }) as Node | Node[];
  } catch (mysqlError) {
    try {
      return parser.astify(text, { database: 'MariaDB' }) as Node | Node[];
    } catch {
      throw mysqlError;
    }
  }
}

type Node = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function analyzeMysql(sql: string): MysqlAnalysis {
  const statements: MysqlStatement[] = [];
  for (const { text, offset } of splitStatements(sql)) {
    // Before the parser: it reads an executable comment as a comment, and MySQL would run it.
    const hidden = hiddenText(text);
    if (hidden) {
      statements.push({ text, offset, class: refused(hidden) });
      continue;
    }
    let ast: Node | Node[];
    try {
      ast = parse(text);
    } catch (error) {
      const at = (error as { location?: { start?: { offset?: number } } }).location?.start?.offset ?? 0;
      return { error: parserMessage((error as Error).message), offset: offset + at };
    }
    const nodes = Array.isArray(ast) ? ast : [ast];
    const c: MysqlStatementClass =
      nodes.length !== 1
        ? refused('one statement at a time: end each with a semicolon')
        : namesChecked(classify(nodes[0]!, text));
    statements.push({ text, offset, class: c });
  }
  return { statements };
}

function classify(node: Node, text: string): MysqlStatementClass {
  switch (node.type) {
    case 'alter':
      return alterTable(node, text);
    case 'drop':
      if (node.keyword === 'table') return { type: 'drop-table', tables: (node.name as Node[]).map(tableName) };
      return refused(`DROP ${String(node.keyword).toUpperCase()} is not a change ZeroOps automates on MySQL`);
    case 'create':
      if (node.keyword === 'table') {
        if (
          node.temporary ||
          node.if_not_exists ||
          node.ignore_replace ||
          node.query_expr ||
          node.like ||
          /\bor\s+replace\b/i.test(text)
        )
          return refused(
            'CREATE TABLE runs only plain: no IF NOT EXISTS or OR REPLACE (its undo would drop a table the run ' +
              'did not ' +
              'make), no TEMPORARY, no AS SELECT or LIKE (a copy that locks the source rows)',
          );
        const table = tableName((node.table as Node[])[0]!);
        return { type: 'additive', table, sql: text, undo: `DROP TABLE IF EXISTS ${table}`, createsTable: true };
      }
      if (node.keyword === 'index') return createIndex(node, text);
      return refused(`CREATE ${String(node.keyword).toUpperCase()} is not a change ZeroOps automates on MySQL`);
    case 'rename':
      return refused(
        'renaming a table breaks every reader at once: create the new table, write to both, switch readers, then ' +
          'drop the old one as its own change',
      );
    default:
      return ['insert', 'update', 'delete', 'replace'].includes(String(node.type))
        ? refused(
            `${String(node.type).toUpperCase()} changes data, not the schema: ` +
              'ZeroOps runs it only as a script of a Runbook',
          )
        : refused(
            `${String(node.type).toUpperCase()} is not a change ZeroOps stages on MySQL: it runs ADD COLUMN, ADD ` +
              'INDEX, CREATE INDEX and CREATE TABLE, and stages DROP COLUMN and DROP TABLE',
          );
  }
}

function alterTable(node: Node, text: string): MysqlStatementClass {
  const table = tableName((node.table as Node[])[0]!);
  const specs = node.expr as Node[];
  const clauses = alterClauses(text);
  if (clauses === undefined) return refused('write the statement as ALTER TABLE <table> <changes>');
  const drops = specs.filter((s) => s.action === 'drop' && s.resource === 'column');
  if (drops.length > 0)
    return drops.length === 1 && specs.length === 1
      ? { type: 'drop-column', table, column: columnName(drops[0]!.column) }
      : refused('drop one column per statement, with nothing else in it: each drop is staged on its own');
  const kept: string[] = [];
  const indexes: string[] = [];
  const undo: string[] = [];
  for (const spec of specs) {
    if (spec.action === 'add' && spec.resource === 'column') {
      if (spec.if_not_exists)
        return refused(
          "ADD COLUMN IF NOT EXISTS: the column may be there already, holding somebody's data, and the rollback " +
            'would drop it; write ADD COLUMN, and the preflight says before approval whether the name is taken',
        );
      if (spec.unique || spec.primary_key || spec.auto_increment)
        return refused(
          'ADD COLUMN … UNIQUE, PRIMARY KEY or AUTO_INCREMENT: pt-online-schema-change copies rows with ' +
            'INSERT IGNORE, ' +
            'so a unique column would silently drop rows; add a plain column, fill it, then add the key by hand',
        );
      const column = columnName(spec.column);
      kept.push(column);
      undo.unshift(`DROP COLUMN \`${column}\``);
    } else if (spec.action === 'add' && spec.resource === 'index' && /^(index|key)$/i.test(String(spec.keyword))) {
      if (!spec.index) return refused('name the index: its rollback and a retried step need the name');
      indexes.push(String(spec.index));
      undo.unshift(`DROP INDEX \`${spec.index}\``);
    } else return refusedAlter(spec);
  }
  // Every name the undo and the retry check splice in, not only the first.
  const odd = [...kept, ...indexes].find((name) => !isIdentifier(name));
  if (odd !== undefined) return refused(oddNameReason(odd));
  const first = kept[0];
  const index = indexes[0];
  return {
    type: 'online-alter',
    table,
    alter: clauses,
    expect: first !== undefined ? { column: first, present: true } : { index: index!, present: true },
    adds: { columns: kept, indexes },
    undoAlter: undo.join(', '),
  };
}

function refusedAlter(spec: Node): MysqlStatementClass {
  const kind = String(spec.create_definitions?.constraint_type ?? spec.keyword ?? spec.resource ?? '');
  const what = `${String(spec.action ?? '').toUpperCase()} ${kind.toUpperCase()}`.trim();
  if (spec.action === undefined)
    return refused(
      `table option ${kind.toUpperCase()}: ZeroOps chooses how the table is copied (pt-online-schema-change); ` +
        'leave ENGINE, ALGORITHM and LOCK out',
    );
  if (/fulltext|spatial/i.test(kind))
    return refused(`${what} is not staged on MySQL: build it by hand in a quiet hour`);
  if (/unique|primary/i.test(kind))
    return refused(
      `${what}: pt-online-schema-change copies rows with INSERT IGNORE, so a UNIQUE or PRIMARY key would silently ` +
        'drop duplicates; add a plain index, check for duplicates, and make it unique by hand',
    );
  if (spec.action === 'rename' && spec.resource === 'table')
    return refused(
      'renaming a table breaks every reader at once: create the new table, write to both, switch readers, then ' +
        'drop the old one as its own change',
    );
  if (['modify', 'change', 'rename'].includes(String(spec.action)))
    return refused(
      `${what} rewrites or renames a column that readers use: add the new column, fill it, switch the readers, then ` +
        'drop the old one (each its own SchemaChange)',
    );
  return refused(`${what} is not staged on MySQL: ZeroOps runs ADD COLUMN, ADD INDEX, DROP COLUMN and DROP TABLE`);
}

function createIndex(node: Node, text: string): MysqlStatementClass {
  if (node.index_type && /unique|fulltext|spatial/i.test(String(node.index_type)))
    return refused(
      `CREATE ${String(node.index_type).toUpperCase()} INDEX: pt-online-schema-change copies rows with INSERT ` +
        'IGNORE, so a unique index would silently drop duplicates; create a plain index',
    );
  const match = /^create\s+index\s+`?(\w+)`?\s+on\s+(\S+?)\s*(\(.*\))\s*$/is.exec(text);
  if (!match) return refused('write it as CREATE INDEX <name> ON <table> (<columns>)');
  const [, name, , columns] = match as unknown as [string, string, string, string];
  return {
    type: 'online-alter',
    table: tableName(node.table as Node),
    alter: `ADD INDEX \`${name}\` ${columns}`,
    expect: { index: name, present: true },
    adds: { columns: [], indexes: [name] },
    undoAlter: `DROP INDEX \`${name}\``,
  };
}

/** The clauses after `ALTER TABLE <name>`: what pt-online-schema-change's --alter takes. */
function alterClauses(text: string): string | undefined {
  const match = /^\s*alter\s+(?:online\s+|ignore\s+)?table\s+(?:`[^`]+`|\w+)(?:\.(?:`[^`]+`|\w+))?\s+([\s\S]+)$/i.exec(
    text,
  );
  return match?.[1]?.trim();
}

const refused = (reason: string): MysqlStatementClass => ({ type: 'refused', reason });

/** node-sql-parser lists every token it expected; the one it found is what a person needs. */
const parserMessage = (message: string): string => {
  const found = /but (.+) found\.?$/.exec(message.split('\n')[0]!);
  return found ? `unexpected ${found[1]}` : message.split('\n')[0]!;
};

/** A qualified name would reach another database on the same server, outside this task's lock: refused below. */
const tableName = (t: Node) => (t.db ? `${t.db}.${t.table}` : String(t.table));

/**
 * Text MySQL would run that the parser read as a comment (`/*! … *\/`, `--x`), so what is staged
 * differs from what executes: a statement carries no comment inside it.
 */
function hiddenText(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"' || ch === '`') i = quotedEnd(text, i);
    else if (executableComment.test(text.slice(i, i + 4)))
      return 'an executable comment (/*! … */): MySQL runs its text as SQL; write what it should run as a statement';
    else if ((ch === '/' && text[i + 1] === '*') || (ch === '-' && text[i + 1] === '-') || ch === '#')
      return 'a comment inside a statement: MySQL runs /*! … */ and --x as SQL; put comments before the statement';
  }
  return undefined;
}

const columnName = (c: Node): string => {
  const column = c?.column;
  return typeof column === 'string' ? column : String(column?.expr?.value ?? column);
};

/** Generated SQL quotes names; names it cannot quote safely are refused, never spliced. */
function namesChecked(c: MysqlStatementClass): MysqlStatementClass {
  const names = [
    ...('table' in c ? c.table.split('.') : []),
    ...('tables' in c ? c.tables.flatMap((t) => t.split('.')) : []),
    ...('column' in c ? [c.column] : []),
    ...(c.type === 'online-alter' ? [c.expect.column ?? c.expect.index ?? ''] : []),
  ];
  if (
    names.length > 0 &&
    ('table' in c ? c.table.includes('.') : 'tables' in c && c.tables.some((t) => t.includes('.')))
  )
    return refused(
      'write the table without a database: the change applies to the database the config connects to, under its lock',
    );
  const tables = 'table' in c ? [c.table] : 'tables' in c ? c.tables : [];
  const own = tables.find((t) => t.toLowerCase().startsWith('zeroops_'));
  if (own) return refused(ownTableReason(own));
  const odd = names.find((n) => !isIdentifier(n));
  return odd === undefined ? c : refused(oddNameReason(odd));
}

/**
 * Where the quoted text opening at `start` ends. A backslash escapes in strings, never in a backtick
 * name (`b\` is the name "b\"); a doubled quote is two quoted runs side by side, which reads the same.
 */
function quotedEnd(text: string, start: number): number {
  const quote = text[start]!;
  let i = start + 1;
  for (; i < text.length && text[i] !== quote; i++) if (quote !== '`' && text[i] === '\\') i++;
  return i;
}

const executableComment = /^\/\*M?!/;
const leadingComments = /^(?:\s+|--[^\n]*\n?|#[^\n]*\n?|\/\*[\s\S]*?\*\/)+/;

/** Statements split at semicolons outside quotes and comments, each with its offset in the text. */
export function splitStatements(sql: string): { text: string; offset: number }[] {
  const out: { text: string; offset: number }[] = [];
  let start = 0;
  const push = (end: number) => {
    const raw = sql.slice(start, end);
    const leading = leadingComments.exec(raw)?.[0] ?? '';
    // MySQL runs /*! … */ (and MariaDB /*M! … */) as SQL: such a comment stays with its statement, to be refused.
    const text = (/\/\*M?!/.test(leading) ? raw : raw.slice(leading.length)).trim();
    if (text) out.push({ text, offset: start + raw.indexOf(text) });
  };
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"' || ch === '`') i = quotedEnd(sql, i);
    else if (ch === '-' && sql[i + 1] === '-') i = sql.indexOf('\n', i) < 0 ? sql.length : sql.indexOf('\n', i);
    else if (ch === '#') i = sql.indexOf('\n', i) < 0 ? sql.length : sql.indexOf('\n', i);
    else if (ch === '/' && sql[i + 1] === '*') i = sql.indexOf('*/', i) < 0 ? sql.length : sql.indexOf('*/', i) + 1;
    else if (ch === ';') {
      push(i);
      start = i + 1;
    }
  }
  push(sql.length);
  return out;
}
