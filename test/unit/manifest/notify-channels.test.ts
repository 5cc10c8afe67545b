/**
 * The chat channels of a config, checked like every other finding: at the field, in plain words.
 * A robot is never given ZeroOps' own credentials nor another provider's secret.
 */
import { formatDiagnostic } from '../../../src/manifest/diagnostic.js';
import { checkAndPlan } from '../../../src/app/check-and-plan.js';
import { templateRepoFiles } from '../../support/ops-repo.js';

async function findings(channels: string, providers = ''): Promise<string[]> {
  const text = [
    'apiVersion: zeroops.dev/v1',
    'kind: Config',
    'spec:',
    '  providers:',
    ...(providers ? [providers] : []),
    '    notify:',
    '      channels:',
    channels,
  ].join('\n');
  const context = (await templateRepoFiles()).filter((f) => !f.path.startsWith('.zeroops/'));
  const { diagnostics } = await checkAndPlan({ files: [{ path: '.zeroops/config.yaml', text }], context });
  return diagnostics.map(formatDiagnostic).map((d) => d.replace(/^\.zeroops\/config\.yaml:/, ''));
}

describe('notify channels', () => {
  it('may be of the three robots, with their own variables, for services and events', async () => {
    expect(
      await findings(
        [
          '        - { name: ops-slack, type: slack, url: { env: SLACK_WEBHOOK_URL }, services: [checkout] }',
          '        - { name: ops-wecom, type: wecom, url: { env: WECOM_WEBHOOK_URL }, severities: [sev1, sev2] }',
          '        - name: ops-dingtalk',
          '          type: dingtalk',
          '          url: { env: DINGTALK_WEBHOOK_URL }',
          '          secret: { env: DINGTALK_SECRET }',
          '          events: [rolled-back, run-failed, incident-opened, incident-resolved]',
        ].join('\n'),
      ),
    ).toEqual([]);
  });

  it('are named once, sign only on DingTalk, and never use another provider’s secret', async () => {
    expect(
      await findings(
        [
          '        - { name: ops, type: slack, url: { env: SLACK_WEBHOOK_URL }, secret: { env: SLACK_SECRET } }',
          '        - { name: ops, type: dingtalk, url: { env: SHOP_DATABASE_URL } }',
          '        - { name: ding, type: dingtalk, url: { env: DING }, secret: { env: DING } }',
        ].join('\n'),
        '    postgres: { databases: { shop: { url: { env: SHOP_DATABASE_URL } } } }',
      ),
    ).toEqual([
      '8:70 error spec.providers.notify.channels[0].secret: only DingTalk robots sign messages: ' +
        "remove secret (a slack robot's token is in its URL)",
      "9:19 error spec.providers.notify.channels[1].name: channel 'ops' is listed twice: " +
        'give each channel its own name',
      '9:52 error spec.providers.notify.channels[1].url.env: ' +
        "SHOP_DATABASE_URL is one of ZeroOps' own credentials or another provider's secret: " +
        'a chat robot is never given it; give the robot a variable of its own, e.g. DINGTALK_WEBHOOK_URL',
      '10:76 error spec.providers.notify.channels[2].secret.env: ' +
        'the signing secret and the URL are two values: name two variables',
    ]);
  });

  it('warn of a service the inventory does not have, and refuse a robot of another kind', async () => {
    expect(
      await findings('        - { name: ops, type: slack, url: { env: SLACK_WEBHOOK_URL }, services: [chekout] }'),
    ).toEqual([
      "7:81 warning spec.providers.notify.channels[0].services[0]: no service 'chekout' in services/: " +
        'this channel would hear nothing of it (did you mean checkout?)',
    ]);
    const [teams] = await findings('        - { name: ops, type: teams, url: { env: TEAMS_URL } }');
    expect(teams).toBe(
      "7:30 error spec.providers.notify.channels[0].type: 'teams' is not one of slack, wecom, dingtalk",
    );
  });
});
