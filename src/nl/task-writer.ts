/**
 * The TaskWriter port: a language model that reads a request the offline parser did not, and
 * answers a task manifest or a question. What it writes is only a proposal: it passes the same
 * checks as a hand-written task and becomes a pull request people review.
 */
export interface WriterContext {
  /** Services with their datacenters, and the tasks already in the repo (name, kind, service, version). */
  services: { name: string; datacenters: string[] }[];
  tasks: { name: string; kind: string; service: string; version?: string }[];
  templates: { name: string; kind: string; versions: number[] }[];
}

export type WriterAnswer =
  | { manifest: Record<string, unknown>; by: string }
  | { question: string; by: string }
  /** The model could not be reached or gave nothing usable: why, in words, without secrets. */
  | { failed: string };

export interface TaskWriter {
  write(request: string, context: WriterContext): Promise<WriterAnswer>;
}
