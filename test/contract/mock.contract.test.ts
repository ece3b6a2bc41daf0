import { createMockAdapter } from '../../src/adapters/mock/mock-adapter.js';
import { countPromptTokens, countTokens } from '../../src/adapters/mock/mock-text.js';
import { makeChatRequest, makeDeployment } from '../support/adapter-harness.js';
import { describeAdapterContract } from './adapter-contract.js';

const TEXT = 'Hello from the built-in mock provider.';
const NO_HTTP = 'the mock provider answers in-process and makes no upstream HTTP call';
const NO_REQUEST = 'the mock provider makes no upstream request whose content could be checked';
const TEXT_ONLY = 'the mock provider only answers text';

describeAdapterContract({
  name: 'mock',
  provider: 'mock',
  createAdapter: () =>
    createMockAdapter(
      makeDeployment({ provider: 'mock', providerModel: 'echo', apiKey: undefined }),
    ),
  scenarios: {
    text: () => ({ text: TEXT, options: { mockResponse: TEXT } }),
    stream: () => ({ text: TEXT, options: { mockResponse: TEXT } }),
    systemPrompt: { notApplicable: NO_REQUEST },
    multiTurn: { notApplicable: NO_REQUEST },
    image: { notApplicable: NO_REQUEST },
    toolCall: { notApplicable: TEXT_ONLY },
    toolResult: { notApplicable: NO_REQUEST },
    parallelToolCalls: { notApplicable: TEXT_ONLY },
    structuredOutput: {
      notApplicable: 'the mock provider returns mock_response verbatim and enforces no schema',
    },
    reasoning: { notApplicable: 'the mock provider does not reason' },
    rateLimited: { notApplicable: NO_HTTP },
    serverError: { notApplicable: NO_HTTP },
    malformedChunk: { notApplicable: NO_HTTP },
    connectionReset: { notApplicable: NO_HTTP },
    streamUsage: () => ({
      // The suite streams its default request; the mock counts it with its stand-in tokenizer.
      usage: {
        prompt_tokens: countPromptTokens(makeChatRequest().messages),
        completion_tokens: countTokens(TEXT),
      },
      options: { mockResponse: TEXT },
    }),
  },
});
