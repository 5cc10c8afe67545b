/** Walking libpg-query's parse trees: their nodes, and the functions and type names in them. */

export type Node = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The nodes of a parse tree, depth first without recursion (a deeply nested expression is no crash). */
export function* nodesOf(root: unknown): Generator<Node> {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const n = stack.pop();
    if (Array.isArray(n)) stack.push(...n);
    else if (typeof n === 'object' && n !== null) {
      yield n as Node;
      stack.push(...Object.values(n));
    }
  }
}

/** The names of the functions an expression calls. */
export const functionNames = (node: unknown): string[] =>
  [...nodesOf(node)]
    .filter((n) => n.FuncCall)
    .map((n) => ((n.FuncCall.funcname as Node[]).map((part) => part.String?.sval) as string[]).join('.'));

export const typeNameOf = (typeName: Node | undefined): string =>
  (((typeName?.names as Node[] | undefined) ?? []).map((n) => n.String?.sval) as string[]).join('.');

/** Thrown where a name cannot be staged: the whole statement is refused with its reason. */
export class Refusal extends Error {}
