import { readFile } from 'node:fs/promises';
import { GatewayError } from '../../core/errors.js';
import { formatZodIssues, parseJson } from '../../core/json.js';
import { serviceAccountSchema, type ServiceAccount } from './vertex-ai-api.js';

/**
 * Reads `vertex_credentials` (LiteLLM's setting): a service-account key as a JSON string, as a
 * YAML mapping, or as the path of the key file. Any problem is the gateway's credential problem
 * (`upstream_auth_failed`, not retryable): the message names the setting, never the key.
 */

function credentialError(detail: string, cause?: unknown): GatewayError {
  return new GatewayError('upstream_auth_failed', `vertex_ai: vertex_credentials ${detail}`, {
    provider: 'vertex_ai',
    retryable: false,
    cause,
  });
}

function validate(value: unknown, origin: string): ServiceAccount {
  const parsed = serviceAccountSchema.safeParse(value);
  if (!parsed.success) {
    throw credentialError(
      `(${origin}) is not a service-account key: ${formatZodIssues(parsed.error.issues)}`,
    );
  }
  return parsed.data;
}

function fromJson(text: string, origin: string): ServiceAccount {
  const parsed = parseJson(text);
  if (!parsed.ok) throw credentialError(`(${origin}) is not valid JSON`);
  return validate(parsed.value, origin);
}

export async function loadVertexCredentials(source: unknown): Promise<ServiceAccount> {
  if (typeof source === 'object' && source !== null) return validate(source, 'mapping');
  if (typeof source !== 'string' || source.trim() === '') {
    throw credentialError('must be a service-account JSON, a mapping, or a file path');
  }
  if (source.trim().startsWith('{')) return fromJson(source, 'JSON text');
  let text: string;
  try {
    text = await readFile(source, 'utf8');
  } catch (error) {
    throw credentialError(`file "${source}" cannot be read`, error);
  }
  return fromJson(text, `file "${source}"`);
}
