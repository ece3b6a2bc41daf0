import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reply, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

describe('a deployment addressed by its model_info.id', () => {
  let first: FakeUpstream;
  let second: FakeUpstream;
  let gateway: TestGateway;
  const completion = {
    id: 'c',
    object: 'chat.completion',
    created: 1,
    model: 'm',
    choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
  beforeAll(async () => {
    [first, second] = await Promise.all([startFakeUpstream(), startFakeUpstream()]);
    first.setDefault(reply.json(completion));
    second.setDefault(reply.json(completion));
    const deployment = (id: string, upstream: FakeUpstream) => ({
      model_name: 'chat',
      litellm_params: {
        model: 'openai/m',
        api_base: `${upstream.url}/v1`,
        api_key: 'sk-x-0123456789',
      },
      model_info: { id },
    });
    gateway = await startTestGateway({
      model_list: [deployment('east', first), deployment('west', second)],
    });
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all([first.close(), second.close()]);
  });

  it('is served by that deployment only, under its group name', async () => {
    for (let index = 0; index < 10; index += 1) {
      const { response } = await gateway.openai.chat.completions
        .create({ model: 'west', messages: [{ role: 'user', content: 'hi' }] })
        .withResponse();
      expect(response.headers.get('x-tollgate-deployment')).toBe('west');
      expect(response.headers.get('x-tollgate-model-group')).toBe('chat');
    }
    expect(first.requests).toHaveLength(0);
    expect(second.requests).toHaveLength(10);
  });

  it('is refused to a key not allowed its group', async () => {
    const { key } = gateway.tollgate.keys.createKey({ models: ['other'] });
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'west', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(403);
  });
});
