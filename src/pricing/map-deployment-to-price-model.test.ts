import { describe, expect, it } from 'vitest';
import type { ResolvedDeployment } from '../core/deployment.js';
import { mapDeploymentToPriceModel } from './map-deployment-to-price-model.js';

function deployment(
  provider: string,
  providerModel: string,
  extra: Partial<ResolvedDeployment> = {},
): ResolvedDeployment {
  return {
    id: 'd',
    modelGroup: 'group',
    provider,
    providerModel,
    apiBase: undefined,
    apiKey: undefined,
    apiVersion: undefined,
    timeoutMs: 1,
    streamTimeoutMs: 1,
    extraHeaders: {},
    params: {},
    modelInfo: {},
    ...extra,
  };
}

describe('mapDeploymentToPriceModel', () => {
  it('names the table provider for each Tollgate prefix', () => {
    const cases: [string, string, string, string][] = [
      ['openai', 'gpt-4.1', 'openai', 'gpt-4.1'],
      ['anthropic', 'claude-sonnet-4-5', 'anthropic', 'claude-sonnet-4-5'],
      ['gemini', 'gemini-2.5-pro', 'google', 'gemini-2.5-pro'],
      ['vertex_ai', 'publishers/google/models/gemini-2.5-pro', 'google', 'gemini-2.5-pro'],
      [
        'bedrock',
        'converse/us.anthropic.claude-3-5-sonnet-20241022-v2:0',
        'aws',
        'us.anthropic.claude-3-5-sonnet-20241022-v2:0',
      ],
      ['azure', 'prod-east', 'azure', 'prod-east'],
      ['groq', 'llama-3.3-70b-versatile', 'groq', 'llama-3.3-70b-versatile'],
    ];
    for (const [provider, model, tableProvider, tableModel] of cases) {
      expect(mapDeploymentToPriceModel(deployment(provider, model))).toMatchObject({
        kind: 'table',
        tableProvider,
        model: tableModel,
      });
    }
  });

  it('keeps the slashes of OpenAI-compatible ids and uses their api_base', () => {
    const target = deployment('openai', 'meta-llama/Llama-3.3-70B-Instruct-Turbo', {
      apiBase: 'https://api.together.xyz/v1',
    });
    expect(mapDeploymentToPriceModel(target)).toMatchObject({
      model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
      apiBase: 'https://api.together.xyz/v1',
    });
  });

  it('prices as model_info.base_model when set, its prefix naming the provider', () => {
    const azure = deployment('azure', 'prod-east', { modelInfo: { base_model: 'azure/gpt-4o' } });
    expect(mapDeploymentToPriceModel(azure)).toMatchObject({
      tableProvider: 'azure',
      model: 'gpt-4o',
    });
    const bare = deployment('azure', 'prod-east', { modelInfo: { base_model: 'gpt-4o-mini' } });
    expect(mapDeploymentToPriceModel(bare)).toMatchObject({
      tableProvider: 'azure',
      model: 'gpt-4o-mini',
    });
  });

  it('treats Ollama and mock as free', () => {
    expect(mapDeploymentToPriceModel(deployment('ollama', 'llama3.1:8b'))).toEqual({
      kind: 'free',
    });
    expect(mapDeploymentToPriceModel(deployment('mock', 'echo'))).toEqual({ kind: 'free' });
  });
});
