import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  ThrottlingException,
  type ConverseStreamOutput,
} from '@aws-sdk/client-bedrock-runtime';
// The SDK's own HTTP/1.1 handler (a dependency of the SDK): Bedrock Runtime's default is HTTP/2,
// which the loopback fake upstream does not speak.
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UpstreamPools } from '../../core/upstream-http.js';
import {
  collect,
  makeCallOptions,
  makeChatRequest,
  makeDeployment,
} from '../../../test/support/adapter-harness.js';
import {
  loadJson,
  reply,
  startFakeUpstream,
  type FakeUpstream,
} from '../../../test/support/fake-upstream.js';
import {
  encodeEventFrame,
  framesReply,
  loadEventFrames,
  startEventStreamFront,
  type EventStreamFront,
} from './__fixtures__/event-stream-fixtures.js';
import { createBedrockAdapter } from './bedrock-adapter.js';

/**
 * The fixtures are faithful: the official `@aws-sdk/client-bedrock-runtime`, pointed at the fake
 * upstream serving them, parses every one (JSON bodies, binary event-stream frames, exception
 * frames) into the documented shapes. It also fixes what the SDK sends, so the adapter's paths
 * can be compared with the SDK's own.
 */

const fixture = (name: string): URL => new URL(`./__fixtures__/${name}`, import.meta.url);

let upstream: FakeUpstream;
let front: EventStreamFront;
let client: BedrockRuntimeClient;

beforeAll(async () => {
  // The SDK warns that its 2027 releases will need Node 22; the project runs on Node 20.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  upstream = await startFakeUpstream();
  front = await startEventStreamFront(upstream.url);
  client = new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: front.url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-example-key' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
});
afterAll(async () => {
  client.destroy();
  await front.close();
  await upstream.close();
});
beforeEach(() => upstream.reset());

const messages = [{ role: 'user' as const, content: [{ text: 'Hello' }] }];

async function streamEvents(modelId: string): Promise<ConverseStreamOutput[]> {
  const response = await client.send(new ConverseStreamCommand({ modelId, messages }));
  const events: ConverseStreamOutput[] = [];
  for await (const event of response.stream ?? []) events.push(event);
  return events;
}

describe('bedrock fixtures, read by @aws-sdk/client-bedrock-runtime', () => {
  it('parses the Converse JSON fixtures', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('bedrock-tool-call.json'))));
    upstream.enqueue(reply.json(await loadJson(fixture('bedrock-reasoning.json'))));
    const tools = await client.send(
      new ConverseCommand({ modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0', messages }),
    );
    expect(tools.stopReason).toBe('tool_use');
    expect(
      tools.output?.message?.content?.map((block) => block.toolUse?.input ?? block.text),
    ).toEqual([
      "I'll check the weather in both cities.",
      { location: 'Paris, France' },
      { location: 'Tokyo, Japan' },
    ]);
    expect(tools.usage).toEqual({ inputTokens: 385, outputTokens: 118, totalTokens: 503 });
    const reasoning = await client.send(
      new ConverseCommand({ modelId: 'anthropic.claude-3-7-sonnet-20250219-v1:0', messages }),
    );
    expect(
      reasoning.output?.message?.content?.[0]?.reasoningContent?.reasoningText?.signature,
    ).toMatch(/^EqoB/);
    expect(reasoning.usage?.cacheReadInputTokens).toBe(2048);
  });

  it('sends the same path for an ARN model id as the adapter does', async () => {
    const arn =
      'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-7-sonnet-20250219-v1:0';
    upstream.setDefault(reply.json(await loadJson(fixture('bedrock-text.json'))));
    await client.send(new ConverseCommand({ modelId: arn, messages }));
    const pools = new UpstreamPools();
    try {
      const adapter = createBedrockAdapter(
        makeDeployment({
          provider: 'bedrock',
          providerModel: arn,
          apiBase: front.url,
          params: { aws_access_key_id: 'AKIDEXAMPLE', aws_secret_access_key: 'secret-example-key' },
        }),
        pools,
      );
      await adapter.generate(makeChatRequest(), makeCallOptions());
    } finally {
      await pools.close();
    }
    const [sdk, ours] = upstream.requests;
    expect(ours?.url).toBe(sdk?.url);
    expect(sdk?.url).toContain(
      '/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.',
    );
  });

  it('parses the text, tool-call and reasoning event streams, frames split or whole', async () => {
    upstream.enqueue(
      framesReply(await loadEventFrames(fixture('bedrock-text.events.txt')), { pieceBytes: 5 }),
    );
    const text = await streamEvents('anthropic.claude-3-5-haiku-20241022-v1:0');
    expect(
      text
        .map((event) => event.contentBlockDelta?.delta?.text)
        .filter(Boolean)
        .join(''),
    ).toBe('Hello! How can I help you today?');
    expect(text.at(-2)?.messageStop?.stopReason).toBe('end_turn');
    expect(text.at(-1)?.metadata?.usage).toEqual({
      inputTokens: 12,
      outputTokens: 10,
      totalTokens: 22,
    });

    upstream.enqueue(framesReply(await loadEventFrames(fixture('bedrock-tool-call.events.txt'))));
    const tools = await streamEvents('anthropic.claude-3-5-haiku-20241022-v1:0');
    expect(
      tools.flatMap((event) =>
        event.contentBlockStart?.start?.toolUse ? [event.contentBlockStart] : [],
      ),
    ).toEqual([
      {
        contentBlockIndex: 1,
        start: { toolUse: { name: 'get_weather', toolUseId: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q' } },
      },
      {
        contentBlockIndex: 2,
        start: { toolUse: { name: 'get_weather', toolUseId: 'tooluse_P0F8eGj3Q2aBwJ8nWmXk1A' } },
      },
    ]);
    const input = tools
      .filter((event) => event.contentBlockDelta?.contentBlockIndex === 1)
      .map((event) => event.contentBlockDelta?.delta?.toolUse?.input)
      .join('');
    expect(JSON.parse(input)).toEqual({ location: 'Paris, France' });

    upstream.enqueue(framesReply(await loadEventFrames(fixture('bedrock-reasoning.events.txt'))));
    const reasoning = await streamEvents('anthropic.claude-3-7-sonnet-20250219-v1:0');
    const deltas = reasoning
      .map((event) => event.contentBlockDelta?.delta?.reasoningContent)
      .filter(Boolean);
    expect(deltas.at(-1)?.signature).toMatch(/^EqoB/);
    expect(reasoning.at(-1)?.metadata?.usage?.cacheReadInputTokens).toBe(2048);
  });

  it('raises the SDK exception class for an exception frame', async () => {
    upstream.enqueue(
      framesReply([
        encodeEventFrame({
          exception: 'throttlingException',
          payload: { message: 'Too many tokens, please wait before trying again.' },
        }),
      ]),
    );
    await expect(streamEvents('anthropic.claude-3-5-haiku-20241022-v1:0')).rejects.toBeInstanceOf(
      ThrottlingException,
    );
  });

  it('parses the InvokeModel embedding fixtures', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('bedrock-embeddings-titan.json'))));
    const titan = await client.send(
      new InvokeModelCommand({
        modelId: 'amazon.titan-embed-text-v2:0',
        body: JSON.stringify({ inputText: 'Hello' }),
      }),
    );
    expect(JSON.parse(new TextDecoder().decode(titan.body))).toMatchObject({
      inputTextTokenCount: 5,
    });
    expect(upstream.requests[0]?.url).toBe('/model/amazon.titan-embed-text-v2%3A0/invoke');
  });
});

describe('the adapter reads what the SDK reads', () => {
  it('assembles the same text from the same frames', async () => {
    upstream.enqueue(framesReply(await loadEventFrames(fixture('bedrock-text.events.txt'))));
    const pools = new UpstreamPools();
    try {
      const adapter = createBedrockAdapter(
        makeDeployment({
          provider: 'bedrock',
          providerModel: 'anthropic.claude-3-5-haiku-20241022-v1:0',
          apiBase: front.url,
          params: {
            aws_access_key_id: 'AKIDEXAMPLE',
            aws_secret_access_key: 'secret-example-key',
            aws_region_name: 'us-east-1',
          },
        }),
        pools,
      );
      const chunks = await collect(adapter.stream(makeChatRequest(), makeCallOptions()));
      expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(
        'Hello! How can I help you today?',
      );
    } finally {
      await pools.close();
    }
  });
});
