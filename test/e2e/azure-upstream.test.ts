import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadChunks,
  loadJson,
  reply,
  startFakeUpstream,
  type FakeUpstream,
} from '../support/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const AZURE_KEY = 'azure-key-0123456789abcdef0123456789';
const fixture = (name: string) =>
  new URL(`../../src/adapters/azure/__fixtures__/${name}`, import.meta.url);

/** The official openai SDK through the gateway to an Azure OpenAI deployment, from a LiteLLM config. */
describe('the gateway in front of Azure OpenAI', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  beforeAll(async () => {
    upstream = await startFakeUpstream();
    gateway = await startTestGateway({
      model_list: [
        {
          model_name: 'chat',
          litellm_params: {
            model: 'azure/my-gpt-4o',
            api_base: upstream.url,
            api_key: AZURE_KEY,
            api_version: '2024-10-21',
          },
        },
      ],
    });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  it('chats with the deployment URL, api-version and api-key header', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('azure-text.json'))));
    const answer = await gateway.openai.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(answer.choices[0]?.message.content).toBeTruthy();
    const seen = await upstream.waitForRequest(0);
    expect(seen.path).toBe('/openai/deployments/my-gpt-4o/chat/completions');
    expect(seen.query['api-version']).toBe('2024-10-21');
    expect(seen.headers['api-key']).toBe(AZURE_KEY);
    expect(seen.headers.authorization).toBeUndefined();
  });

  it('streams, skipping the prompt_filter_results chunk', async () => {
    upstream.reset();
    upstream.enqueue(reply.sse(await loadChunks(fixture('azure-text.chunks.txt'))));
    const stream = await gateway.openai.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'Hello' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage?.total_tokens ?? usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(usage).toBeGreaterThan(0);
  });
});
