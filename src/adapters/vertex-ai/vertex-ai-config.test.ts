import { describe, expect, it } from 'vitest';
import { checkModelEntry } from '../../config/check-model-entry.js';

/** The vertex_ai/ checks of `check-model-entry.ts`: credentials and a project. */

const knownProviders = ['gemini', 'vertex_ai'];

function check(params: Record<string, unknown>) {
  return checkModelEntry(
    { model_name: 'chat', litellm_params: { model: 'vertex_ai/gemini-2.5-flash', ...params } },
    { index: 0, knownProviders },
  );
}

describe('vertex_ai config checks', () => {
  it('accepts credentials alone (their project_id may stand in) or a token with a project', () => {
    expect(check({ vertex_credentials: '/etc/keys/sa.json' }).ok).toBe(true);
    expect(check({ api_key: 'ya29.token', vertex_project: 'p' }).ok).toBe(true);
  });

  it('wants credentials or an access token', () => {
    expect(check({ vertex_project: 'p' })).toEqual({
      ok: false,
      problems: [
        {
          path: ['model_list', 0, 'litellm_params', 'vertex_credentials'],
          message: expect.stringContaining('is required for vertex_ai/ models') as unknown,
        },
      ],
    });
  });

  it('wants a project with a bare access token', () => {
    expect(check({ api_key: 'ya29.token' })).toEqual({
      ok: false,
      problems: [
        {
          path: ['model_list', 0, 'litellm_params', 'vertex_project'],
          message: 'is required for vertex_ai/ models (the Google Cloud project id)',
        },
      ],
    });
  });

  it('asks nothing more of gemini/ models', () => {
    expect(
      checkModelEntry(
        { model_name: 'g', litellm_params: { model: 'gemini/gemini-2.5-flash' } },
        { index: 0, knownProviders },
      ).ok,
    ).toBe(true);
  });
});
