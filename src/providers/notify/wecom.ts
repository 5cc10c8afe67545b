/**
 * WeCom (企业微信) group robots: POST `{ msgtype: "markdown", markdown: { content } }` to
 * `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY`; content at most 4,096 bytes of UTF-8.
 * Success is HTTP 200 `{"errcode":0,"errmsg":"ok"}`; 45009 (more than 20 messages a minute) and -1
 * (busy) are worth another try, other errcodes (93000: no such robot) are not.
 */
import { errcodeAnswer, footer, linkLabel, plainMarkdown, type Robot } from './robot.js';

const contentBytes = 4096;
const colour = { info: 'info', good: 'info', warning: 'warning', bad: 'warning' } as const;

export const wecom: Robot = {
  request(target, { notice, link }) {
    const content = [
      `**<font color="${colour[notice.tone]}">${plainMarkdown(notice.title)}</font>**`,
      ...notice.lines.map((line) => `> ${plainMarkdown(line)}`),
      `[${linkLabel(notice)}](${link})`,
      `<font color="comment">${plainMarkdown(footer(notice))}</font>`,
    ].join('\n');
    return { url: target.url.href, body: { msgtype: 'markdown', markdown: { content: fitBytes(content) } } };
  },
  answer: (status, body) => errcodeAnswer(status, body, [45009, -1]),
};

/** Cut to the byte limit (lines are clipped before, so only a guard); a split character is dropped. */
function fitBytes(text: string): string {
  if (Buffer.byteLength(text) <= contentBytes) return text;
  const cut = Buffer.from(text)
    .subarray(0, contentBytes - 3)
    .toString('utf8');
  return `${cut.replace(/\uFFFD+$/, '')}…`;
}
