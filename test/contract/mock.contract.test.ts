import { createMockAdapter } from '../../src/adapters/mock/mock-adapter.js';
import { makeDeployment } from '../support/adapter-harness.js';
import { describeAdapterContract } from './adapter-contract.js';

const TEXT = 'Hello from the built-in mock provider.';
const NO_HTTP = 'the mock provider answers in-process and makes no upstream HTTP call';

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
    toolCall: { notApplicable: 'the mock provider only answers text' },
    rateLimited: { notApplicable: NO_HTTP },
    serverError: { notApplicable: NO_HTTP },
    malformedChunk: { notApplicable: NO_HTTP },
  },
});
