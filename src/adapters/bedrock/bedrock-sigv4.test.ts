import aws4 from 'aws4';
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
  type RecordedRequest,
} from '../../../test/support/fake-upstream.js';
import {
  framesReply,
  loadEventFrames,
  startEventStreamFront,
  type EventStreamFront,
} from './__fixtures__/event-stream-fixtures.js';
import { createBedrockAdapter } from './bedrock-adapter.js';

/**
 * The signature is checked by an implementation independent of the smithy signer that produced
 * it: the `aws4` package recomputes the Authorization header for the request the upstream
 * recorded (same signed headers, same body, same date) and must arrive at the same value.
 */

const fixture = (name: string): URL => new URL(`./__fixtures__/${name}`, import.meta.url);
const SIGNING_DATE = new Date('2025-03-01T12:00:00Z');

const CREDENTIALS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

let upstream: FakeUpstream;
let front: EventStreamFront;
let pools: UpstreamPools;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  front = await startEventStreamFront(upstream.url);
  pools = new UpstreamPools();
});
afterAll(async () => {
  await pools.close();
  await front.close();
  await upstream.close();
});
beforeEach(() => upstream.reset());

function adapter(model: string, params: Record<string, unknown>) {
  return createBedrockAdapter(
    makeDeployment({
      provider: 'bedrock',
      providerModel: model,
      apiBase: front.url,
      apiKey: undefined,
      params: {
        aws_access_key_id: CREDENTIALS.accessKeyId,
        aws_secret_access_key: CREDENTIALS.secretAccessKey,
        aws_region_name: 'eu-west-3',
        ...params,
      },
    }),
    pools,
    { now: () => SIGNING_DATE },
  );
}

/** What aws4 computes for the recorded request, from the headers the request says it signed. */
function independentAuthorization(
  recorded: RecordedRequest,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
): string {
  const authorization = String(recorded.headers.authorization);
  const signedNames = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
  const headers: Record<string, string> = {};
  for (const name of signedNames) headers[name] = String(recorded.headers[name]);
  const signed = aws4.sign(
    {
      host: headers.host,
      method: recorded.method,
      path: recorded.url,
      service: 'bedrock',
      region: 'eu-west-3',
      headers,
      body: recorded.bodyText,
    },
    credentials,
  );
  return String(signed.headers?.Authorization);
}

describe('bedrock SigV4, checked with aws4', () => {
  it('signs a Converse call with static credentials', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('bedrock-text.json'))));
    await adapter('amazon.nova-lite-v1:0', {}).generate(makeChatRequest(), makeCallOptions());
    const [recorded] = upstream.requests;
    expect(recorded?.headers['x-amz-date']).toBe('20250301T120000Z');
    expect(recorded?.headers['x-amz-security-token']).toBeUndefined();
    expect(recorded?.headers.authorization).toBe(independentAuthorization(recorded!, CREDENTIALS));
  });

  it('signs a ConverseStream call to an inference profile ARN with a session token', async () => {
    const sessionToken = 'IQoJb3JpZ2luX2VjEXAMPLETOKEN//////////wEaCXVzLWVhc3QtMSJHMEUCIQ';
    const arn =
      'arn:aws:bedrock:eu-west-3:123456789012:inference-profile/eu.anthropic.claude-3-7-sonnet-20250219-v1:0';
    upstream.enqueue(framesReply(await loadEventFrames(fixture('bedrock-text.events.txt'))));
    await collect(
      adapter(arn, { aws_session_token: sessionToken }).stream(
        makeChatRequest(),
        makeCallOptions(),
      ),
    );
    const [recorded] = upstream.requests;
    // The ARN is one path segment: `:` and `/` escaped as the AWS SDK escapes the label.
    expect(recorded?.url).toBe(
      '/model/arn%3Aaws%3Abedrock%3Aeu-west-3%3A123456789012%3Ainference-profile%2Feu.anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse-stream',
    );
    expect(recorded?.headers['x-amz-security-token']).toBe(sessionToken);
    expect(recorded?.headers.authorization).toBe(
      independentAuthorization(recorded!, { ...CREDENTIALS, sessionToken }),
    );
  });

  it('changes the signature when the body changes (the payload is signed)', async () => {
    upstream.setDefault(reply.json(await loadJson(fixture('bedrock-text.json'))));
    const bedrock = adapter('amazon.nova-lite-v1:0', {});
    await bedrock.generate(makeChatRequest(), makeCallOptions());
    await bedrock.generate(
      makeChatRequest({ messages: [{ role: 'user', content: 'Other' }] }),
      makeCallOptions(),
    );
    const [first, second] = upstream.requests;
    expect(first?.headers.authorization).not.toBe(second?.headers.authorization);
    expect(second?.headers.authorization).toBe(independentAuthorization(second!, CREDENTIALS));
  });
});
