import { describe, expect, it } from 'vitest';
import { makeDeployment } from '../../../test/support/adapter-harness.js';
import { encodeModelId, resolveBedrockEndpoint } from './bedrock-endpoint.js';
import { mapBedrockStopReason } from './map-bedrock-stop-reason.js';
import { mapBedrockUsage } from './map-bedrock-usage.js';

const KEYS = { aws_access_key_id: 'AKID', aws_secret_access_key: 'secret' };

function endpoint(providerModel: string, params: Record<string, unknown>, apiBase?: string) {
  return resolveBedrockEndpoint(
    makeDeployment({ provider: 'bedrock', providerModel, apiBase, params: { ...KEYS, ...params } }),
  );
}

describe('resolveBedrockEndpoint', () => {
  it('defaults to the regional Bedrock Runtime host', () => {
    const resolved = endpoint('amazon.nova-pro-v1:0', { aws_region_name: 'eu-central-1' });
    expect(resolved).toMatchObject({
      origin: 'https://bedrock-runtime.eu-central-1.amazonaws.com',
      host: 'bedrock-runtime.eu-central-1.amazonaws.com',
      region: 'eu-central-1',
      paths: {
        converse: '/model/amazon.nova-pro-v1%3A0/converse',
        converseStream: '/model/amazon.nova-pro-v1%3A0/converse-stream',
        invoke: '/model/amazon.nova-pro-v1%3A0/invoke',
      },
    });
    expect(resolved.credentials).toEqual({ accessKeyId: 'AKID', secretAccessKey: 'secret' });
  });

  it("takes the region from an ARN, drops LiteLLM's converse/ route and keeps a base path", () => {
    const arn = 'arn:aws:bedrock:ap-south-1:123456789012:application-inference-profile/abc123';
    const resolved = endpoint(`converse/${arn}`, {}, 'https://proxy.example.com/bedrock/');
    expect(resolved.region).toBe('ap-south-1');
    expect(resolved.paths.converse).toBe(`/bedrock/model/${encodeModelId(arn)}/converse`);
    expect(resolved.origin).toBe('https://proxy.example.com');
  });

  it('honours aws_bedrock_runtime_endpoint (VPC endpoints, FIPS) and the session token', () => {
    const resolved = endpoint('amazon.nova-pro-v1:0', {
      aws_region_name: 'us-east-1',
      aws_bedrock_runtime_endpoint: 'https://bedrock-runtime-fips.us-east-1.amazonaws.com',
      aws_session_token: 'token',
    });
    expect(resolved.origin).toBe('https://bedrock-runtime-fips.us-east-1.amazonaws.com');
    expect(resolved.credentials.sessionToken).toBe('token');
  });

  it('escapes like the SDK label encoder', () => {
    expect(encodeModelId("a:b/c!'()*")).toBe('a%3Ab%2Fc%21%27%28%29%2A');
  });
});

describe('Bedrock stop reasons and usage', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['tool_use', 'tool_calls'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['guardrail_intervened', 'content_filter'],
    ['content_filtered', 'content_filter'],
    ['malformed_tool_use', 'stop'],
  ])('%s → %s', (raw, mapped) => {
    expect(mapBedrockStopReason(raw)).toBe(mapped);
  });

  it('counts cache reads and writes into prompt tokens, the OpenAI way', () => {
    expect(
      mapBedrockUsage(
        { inputTokens: 10, outputTokens: 20, cacheReadInputTokens: 100, cacheWriteInputTokens: 50 },
        5,
      ),
    ).toEqual({
      prompt_tokens: 160,
      completion_tokens: 20,
      total_tokens: 180,
      prompt_tokens_details: { cached_tokens: 100, cache_creation_tokens: 50 },
      completion_tokens_details: { reasoning_tokens: 5 },
    });
  });
});
