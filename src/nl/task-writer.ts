/**
 * The TaskWriter port: a language model that reads what the offline readers did not — a request
 * in words, a Markdown SOP — and answers a manifest (a task; a template) or a question. What it
 * writes is only a proposal: it passes the same checks as a hand-written one and becomes a pull
 * request people review.
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
  /** A Template manifest from a Markdown SOP. */
  template(sop: string, context: WriterContext): Promise<WriterAnswer>;
}
