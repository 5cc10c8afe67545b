/** GitHub's limits on check runs and comments, and how we stay within them. */
export const checkOutputLimit = 65_535;
export const commentLimit = 65_536;
/** Issue and pull request titles. */
export const titleLimit = 256;
export const annotationsPerRequest = 50;
/** More annotations than this help nobody; the summary lists every finding anyway. */
export const maxAnnotations = 500;

/** Cut text to a limit at a line boundary, saying so at the end. */
export function fitWithin(text: string, limit: number, where: string): string {
  if (text.length <= limit) return text;
  const note = `\n\n… cut here: the full text is longer than GitHub allows in ${where}. Run \`npx zeroops plan\` locally to see all of it.`;
  const room = limit - note.length;
  const cut = text.lastIndexOf('\n', room);
  return `${text.slice(0, cut > room / 2 ? cut : room)}${note}`;
}

export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
