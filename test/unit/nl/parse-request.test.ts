/** The offline reader of requests: the common operations in English and Chinese, and questions instead of guesses. */
import { parseRequest } from '../../../src/nl/parse-request.js';

const vocabulary = { services: ['checkout', 'payments'], datacenters: ['dc-a', 'dc-b', 'dc-c'] };
const read = (text: string) => parseRequest(text, vocabulary);

describe('parseRequest: what it reads', () => {
  it.each([
    ['expand the v1.1 canary to 20%', { action: 'canary', version: 'v1.1', percent: 20 }],
    ['将 v1.1 灰度比例扩大至 20%', { action: 'canary', version: 'v1.1', percent: 20 }],
    [
      'set the checkout canary of v1.2.0 to 5 percent',
      { action: 'canary', service: 'checkout', version: 'v1.2.0', percent: 5 },
    ],
    ['把 payments 的 v2.0.1 金丝雀调到 50%', { action: 'canary', service: 'payments', version: 'v2.0.1', percent: 50 }],
    ['drain dc-b', { action: 'drain', datacenter: 'dc-b' }],
    ['move traffic off dc-a for checkout', { action: 'drain', datacenter: 'dc-a', service: 'checkout' }],
    ['切走 dc-c 的流量', { action: 'drain', datacenter: 'dc-c' }],
    ['restore dc-a', { action: 'restore', datacenter: 'dc-a' }],
    ['恢复 dc-a 的流量', { action: 'restore', datacenter: 'dc-a' }],
    ['bring dc-b back', { action: 'restore', datacenter: 'dc-b' }],
    ['restart payments in dc-a', { action: 'restart', service: 'payments', datacenter: 'dc-a' }],
    ['重启 checkout', { action: 'restart', service: 'checkout' }],
    ['scale checkout to 6 replicas', { action: 'scale', service: 'checkout', replicas: 6 }],
    ['将 checkout 扩容到 8 个实例', { action: 'scale', service: 'checkout', replicas: 8 }],
    ['roll back v1.2', { action: 'rollback', version: 'v1.2' }],
    ['roll checkout back to v1.1.0', { action: 'rollback', service: 'checkout', toVersion: 'v1.1.0' }],
    ['回滚 v1.2.0', { action: 'rollback', version: 'v1.2.0' }],
  ])('%s', (text, intent) => {
    expect(read(text)).toEqual({ understood: true, intent, language: /[\u4e00-\u9fff]/.test(text) ? 'zh' : 'en' });
  });

  it('leaves out what the words do not say, for the writer to ask about', () => {
    expect(read('expand the canary')).toEqual({ understood: true, intent: { action: 'canary' }, language: 'en' });
    expect(read('scale payments up')).toEqual({
      understood: true,
      intent: { action: 'scale', service: 'payments' },
      language: 'en',
    });
  });

  it('does not read a share as a version, nor a bare decimal without a v', () => {
    expect(read('expand the canary to 0.5%')).toMatchObject({ intent: { action: 'canary', percent: 0.5 } });
    expect(read('expand the canary to 0.5%')).not.toMatchObject({ intent: { version: expect.anything() } });
  });
});

describe('parseRequest: the numbers asked for', () => {
  it('takes the share after "to" when a request names two, and asks when it cannot tell', () => {
    expect(read('expand the v1.1 canary from 10% to 20%')).toMatchObject({ intent: { percent: 20 } });
    expect(read('将 v1.1 灰度从 5% 扩大至 20%')).toMatchObject({ intent: { percent: 20 } });
    expect(read('the v1.1 canary: 10% or 20%')).toEqual({
      understood: false,
      question: expect.stringMatching(/which share/),
    });
  });

  it('takes the replica count after "to", and asks about a relative one', () => {
    expect(read('scale checkout from 3 replicas to 6')).toMatchObject({ intent: { replicas: 6 } });
    for (const relative of ['add 2 replicas to checkout', 'checkout 扩容 2 台'])
      expect(read(relative)).toEqual({
        understood: false,
        question: expect.stringMatching(/how many replicas in all/),
      });
  });

  it('keeps a pre-release whole, and a target apart from the version left', () => {
    expect(read('roll back checkout to v1.1.0-rc1')).toMatchObject({
      intent: { action: 'rollback', toVersion: 'v1.1.0-rc1' },
    });
    expect(read('roll back v1.2.0 to v1.1.0')).toMatchObject({ intent: { version: 'v1.2.0', toVersion: 'v1.1.0' } });
  });

  it('does not read a share or a bare decimal as a version', () => {
    expect(read('set the canary to 12.5 percent for v1.1')).toMatchObject({
      intent: { version: 'v1.1', percent: 12.5 },
    });
  });
});

describe('parseRequest: questions, never guesses', () => {
  it('asks which operation when the words mean two', () => {
    expect(read('drain dc-a and restart checkout')).toEqual({
      understood: false,
      question: expect.stringMatching(/drain a datacenter or restart: which one/),
    });
  });

  it('asks which datacenter or service when two are named', () => {
    expect(read('drain dc-a or dc-b')).toEqual({ understood: false, question: expect.stringMatching(/dc-a and dc-b/) });
    expect(read('restart checkout and payments')).toEqual({
      understood: false,
      question: expect.stringMatching(/which service/),
    });
  });

  it.each([
    "don't restart checkout",
    'don’t restart checkout',
    'no need to restart checkout',
    'undo the drain of dc-a',
    'cancel the restart of checkout',
    '不要重启 checkout',
    '不需要重启 checkout',
    '不用重启',
    'checkout 不能重启',
    '取消切走 dc-a',
  ])('does not act on a negation: %s', (text) => {
    expect(read(text)).toMatchObject({ understood: false, question: expect.any(String) });
  });

  it('asks when a second operation comes with a number of its own', () => {
    expect(read('restart checkout then scale to 10 replicas')).toMatchObject({ understood: false });
    expect(read('roll back the v1.2 canary to 5%')).toMatchObject({ understood: false });
    expect(read('roll back the v1.2 canary')).toMatchObject({ intent: { action: 'rollback', version: 'v1.2' } });
    expect(read('restart all 6 replicas of checkout')).toMatchObject({ understood: false });
  });

  it('leaves what it does not know to the language model', () => {
    expect(read('add an index on orders.created_at')).toEqual({ understood: false });
    expect(read('把订单表加一个索引')).toEqual({ understood: false });
  });
});
