/**
 * The first line of a file ZeroOps writes from someone's words: where it was asked and the words,
 * quoted. Characters that would end the comment for another YAML reader (U+2028, U+0085) or make
 * the diff show something other than the bytes (bidirectional controls) are taken out.
 */
const invisible = /[\p{Cc}\p{Cf}\u2028\u2029\u0085]/gu;

export const visibleText = (text: string) => text.replace(invisible, ' ').trim();

export const provenanceComment = (where: string, words: string) =>
  `# Written by ZeroOps from ${visibleText(where)}: ${JSON.stringify(visibleText(words))}\n`;
