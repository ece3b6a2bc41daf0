import type { CallOptions } from '../../src/core/adapter.js';
import type { ChatMessage, FunctionTool, ResponseFormat } from '../../src/core/chat-request.js';
import type { Usage } from '../../src/core/usage.js';
import type { FakeUpstream, RecordedRequest } from '../support/fake-upstream.js';

/**
 * The scenarios of the adapter contract, the canonical inputs the suite sends for them and what
 * a subject returns from each scenario's `arrange` (see adapter-contract.ts).
 *
 * Scenarios that send a conversation (system prompt, multi-turn, image, tool result) cannot be
 * checked on the canonical answer alone: the subject also gives a `read` function that decodes
 * the native request the fake upstream received back into the canonical facts the suite
 * compares. That keeps each wire format in its own test file while the suite decides what must
 * have reached the upstream.
 */

/** Whether the scenario runs through `generate` or `stream`. */
export type ContractMode = 'generate' | 'stream';

export interface ArrangeContext {
  readonly upstream: FakeUpstream;
  readonly mode: ContractMode;
}

/** Scripts the upstream for one scenario and returns what the canonical result must be. */
export type Arrange<T> = (context: ArrangeContext) => T | Promise<T>;

/** A scenario that cannot apply to this adapter, and why. */
export interface NotApplicable {
  readonly notApplicable: string;
}

/** Decodes the native request the upstream received into what the suite checks. */
export type ReadRequest<T> = (request: RecordedRequest) => T;

// --- Canonical inputs the suite sends -----------------------------------------------------------

export const CONTRACT_SYSTEM_PROMPT = 'You are a terse assistant. Answer in one sentence.';

/** The multi-turn conversation: user, assistant, user. */
export const CONTRACT_TURNS: ReadonlyArray<SentTurn> = [
  { role: 'user', text: 'My name is Ada.' },
  { role: 'assistant', text: 'Nice to meet you, Ada!' },
  { role: 'user', text: 'What is my name?' },
];

/** A 1x1 transparent PNG. */
export const CONTRACT_IMAGE_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
export const CONTRACT_IMAGE_MEDIA_TYPE = 'image/png';
export const CONTRACT_IMAGE_QUESTION = 'What is in this image?';

/** The one tool every tool scenario offers. */
export const CONTRACT_TOOLS: FunctionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Get the current weather for a location.',
      parameters: {
        type: 'object',
        properties: { location: { type: 'string', description: 'City and country' } },
        required: ['location'],
        additionalProperties: false,
      },
    },
  },
];

/** The earlier call and the tool's result that the tool-result scenario sends back. */
export const CONTRACT_TOOL_CALL_ID = 'call_contract_paris_01';
export const CONTRACT_TOOL_ARGUMENTS = { location: 'Paris, France' };
export const CONTRACT_TOOL_RESULT = { temperature_c: 18, condition: 'sunny' };

export const CONTRACT_TOOL_ROUND_TRIP: ChatMessage[] = [
  { role: 'user', content: 'What is the weather in Paris?' },
  {
    role: 'assistant',
    content: null,
    tool_calls: [
      {
        id: CONTRACT_TOOL_CALL_ID,
        type: 'function',
        function: { name: 'get_weather', arguments: JSON.stringify(CONTRACT_TOOL_ARGUMENTS) },
      },
    ],
  },
  {
    role: 'tool',
    tool_call_id: CONTRACT_TOOL_CALL_ID,
    content: JSON.stringify(CONTRACT_TOOL_RESULT),
  },
];

/** The schema the structured-output scenario asks for. */
export const CONTRACT_RESPONSE_FORMAT: ResponseFormat = {
  type: 'json_schema',
  json_schema: {
    name: 'weather_report',
    strict: true,
    schema: {
      type: 'object',
      properties: { city: { type: 'string' }, temperature_c: { type: 'number' } },
      required: ['city', 'temperature_c'],
      additionalProperties: false,
    },
  },
};

// --- What subjects return -------------------------------------------------------------------------

export interface TextExpectation {
  /** The whole answer text. */
  readonly text: string;
  /** Call options the scenario needs (e.g. the mock provider's `mockResponse`). */
  readonly options?: Partial<CallOptions>;
}

export interface ExpectedToolCall {
  readonly name: string;
  /** The arguments, parsed from JSON. */
  readonly arguments: unknown;
}

export interface ToolCallExpectation {
  /** The calls in order, with their arguments parsed from JSON. */
  readonly calls: ReadonlyArray<ExpectedToolCall>;
}

export interface ParallelToolCallsExpectation {
  /** Two or more calls, in order; OpenAI indexes must be 0, 1, 2... in that order. */
  readonly calls: ReadonlyArray<ExpectedToolCall>;
  /** Text the model streamed beside the calls ('' when none). */
  readonly text: string;
}

export interface RateLimitExpectation {
  /** The upstream's Retry-After, in seconds. */
  readonly retryAfterSeconds: number | undefined;
}

export interface SystemPromptExpectation {
  /** The answer text. */
  readonly text: string;
  /** The system instructions as the upstream received them (parts joined). */
  readonly read: ReadRequest<string>;
}

/** One conversation turn as the upstream received it (provider roles mapped to these two). */
export interface SentTurn {
  readonly role: 'user' | 'assistant';
  readonly text: string;
}

export interface MultiTurnExpectation {
  readonly text: string;
  /** The turns in the order the upstream received them. */
  readonly read: ReadRequest<SentTurn[]>;
}

/** The image as the upstream received it. */
export interface SentImage {
  /** The media type, where the wire format carries one. */
  readonly mediaType: string | undefined;
  /** The base64 data. */
  readonly base64: string;
  /** The question sent beside it in the same user turn. */
  readonly text: string;
}

export interface ImageExpectation {
  readonly text: string;
  readonly read: ReadRequest<SentImage>;
}

/** The tool round trip as the upstream received it. */
export interface SentToolRoundTrip {
  readonly call: {
    /** The call's id, where the wire format carries one. */
    readonly id: string | undefined;
    readonly name: string;
    /** The arguments, parsed. */
    readonly arguments: unknown;
  };
  readonly result: {
    /** The id of the call it answers, where the wire format carries one. */
    readonly callId: string | undefined;
    /** The result, parsed from JSON when the wire carries it as text. */
    readonly content: unknown;
  };
}

export interface ToolResultExpectation {
  /** The answer the model gives once it has the tool's result. */
  readonly text: string;
  readonly read: ReadRequest<SentToolRoundTrip>;
}

export interface StructuredOutputExpectation {
  /** The JSON value the message content must parse to. */
  readonly value: unknown;
}

export interface ReasoningExpectation {
  /** The answer text. */
  readonly text: string;
  /** The reasoning text, or null when the provider keeps it hidden (OpenAI's o-series). */
  readonly reasoning: string | null;
  /** `completion_tokens_details.reasoning_tokens` (reported or estimated); more than 0. */
  readonly reasoningTokens: number;
  /** Whether the native request turned reasoning on (the suite sends `reasoning_effort`). */
  readonly read: ReadRequest<boolean>;
}

export interface ConnectionResetExpectation {
  /** The text streamed before the reset; not empty, so the failure is truly mid-stream. */
  readonly textBeforeReset: string;
}

/** Usage fields the final chunk must carry; totals are checked by the suite. */
export interface StreamUsageExpectation {
  readonly usage: {
    readonly prompt_tokens: number;
    readonly completion_tokens: number;
    readonly prompt_tokens_details?: Usage['prompt_tokens_details'];
    readonly completion_tokens_details?: Usage['completion_tokens_details'];
  };
  /** Call options the scenario needs (e.g. the mock provider's `mockResponse`). */
  readonly options?: Partial<CallOptions>;
}

type Scenario<T> = Arrange<T> | NotApplicable;

/**
 * Every scenario of the contract. Every key is required: an adapter addresses each one, with an
 * arrangement or an explicit `{ notApplicable: reason }`.
 */
export interface ContractScenarios {
  readonly text: Scenario<TextExpectation>;
  readonly stream: Scenario<TextExpectation>;
  readonly systemPrompt: Scenario<SystemPromptExpectation>;
  readonly multiTurn: Scenario<MultiTurnExpectation>;
  readonly image: Scenario<ImageExpectation>;
  readonly toolCall: Scenario<ToolCallExpectation>;
  readonly toolResult: Scenario<ToolResultExpectation>;
  readonly parallelToolCalls: Scenario<ParallelToolCallsExpectation>;
  readonly structuredOutput: Scenario<StructuredOutputExpectation>;
  readonly reasoning: Scenario<ReasoningExpectation>;
  readonly rateLimited: Scenario<RateLimitExpectation>;
  readonly serverError: Scenario<void>;
  readonly malformedChunk: Scenario<void>;
  readonly connectionReset: Scenario<ConnectionResetExpectation>;
  readonly streamUsage: Scenario<StreamUsageExpectation>;
}

export type ContractScenarioName = keyof ContractScenarios;

/** The scenario names, checked at compile time to be exactly the keys of ContractScenarios. */
export const CONTRACT_SCENARIO_NAMES = [
  'text',
  'stream',
  'systemPrompt',
  'multiTurn',
  'image',
  'toolCall',
  'toolResult',
  'parallelToolCalls',
  'structuredOutput',
  'reasoning',
  'rateLimited',
  'serverError',
  'malformedChunk',
  'connectionReset',
  'streamUsage',
] as const satisfies readonly ContractScenarioName[];

type Missing = Exclude<ContractScenarioName, (typeof CONTRACT_SCENARIO_NAMES)[number]>;
// Fails to compile when a scenario is added to the interface but not to the list.
const everyScenarioListed: [Missing] extends [never] ? true : Missing = true;
void everyScenarioListed;

export function isNotApplicable<T>(scenario: Scenario<T>): scenario is NotApplicable {
  return typeof scenario !== 'function';
}
