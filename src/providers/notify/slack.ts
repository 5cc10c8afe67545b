/**
 * Slack incoming webhooks: POST `{ text, blocks }` to the webhook URL; `text` is the fallback for
 * notifications, `blocks` what the channel shows (mrkdwn: `*bold*`, `<url|words>`). Slack answers
 * 200 `ok`; 4xx with a reason (`invalid_payload`, `no_service`, `channel_is_archived`) is final,
 * 429 (rate limited) and 5xx are not.
 */
import { footer, httpAnswer, linkLabel, type Robot } from './robot.js';

/** mrkdwn's control characters: text from runs never becomes a link or a mention (`<!channel>`). */
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A section's text is at most 3,000 characters. */
const sectionLimit = 3000;

export const slack: Robot = {
  request(target, { notice, link }) {
    const body = [`*${escape(notice.title)}*`, ...notice.lines.map(escape)].join('\n').slice(0, sectionLimit);
    return {
      url: target.url.href,
      body: {
        text: `${escape(notice.title)} <${link}|${linkLabel(notice)}>`,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: body } },
          {
            type: 'context',
            elements: [{ type: 'mrkdwn', text: `${escape(footer(notice))} · <${link}|${linkLabel(notice)}>` }],
          },
        ],
      },
    };
  },
  answer: (status, body) => httpAnswer(status, body) ?? { ok: true },
};
