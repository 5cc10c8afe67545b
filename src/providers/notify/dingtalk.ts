/**
 * DingTalk (钉钉) custom robots: POST `{ msgtype: "markdown", markdown: { title, text } }` to
 * `https://oapi.dingtalk.com/robot/send?access_token=TOKEN`, signed when the robot has a secret
 * (加签): `&timestamp=<ms>&sign=<urlencoded base64(HMAC-SHA256(secret, timestamp + "\n" + secret))>`.
 * DingTalk refuses a timestamp more than an hour off, so each attempt signs anew. Success is
 * `{"errcode":0}`; 130101 (more than 20 messages a minute) and -1 (busy) are worth another try,
 * other errcodes (310000: wrong signature, keyword or IP; 300001: no such token) are not.
 */
import { createHmac } from 'node:crypto';
import { errcodeAnswer, footer, linkLabel, plainMarkdown, type Robot } from './robot.js';

/** The signature of a timestamp (milliseconds), before URL encoding. */
export function dingtalkSign(secret: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
}

export const dingtalk: Robot = {
  request(target, { notice, link }, now) {
    const url = new URL(target.url.href);
    if (target.secret) {
      const timestamp = now.getTime();
      url.searchParams.set('timestamp', String(timestamp));
      url.searchParams.set('sign', dingtalkSign(target.secret, timestamp)); // URLSearchParams encodes + / =
    }
    // DingTalk's markdown needs a blank line between lines.
    const text = [
      `#### ${plainMarkdown(notice.title)}`,
      ...notice.lines.map(plainMarkdown),
      `[${linkLabel(notice)}](${link})`,
      plainMarkdown(footer(notice)),
    ].join('\n\n');
    return { url: url.href, body: { msgtype: 'markdown', markdown: { title: notice.title.slice(0, 100), text } } };
  },
  answer: (status, body) => errcodeAnswer(status, body, [130101, -1]),
};
