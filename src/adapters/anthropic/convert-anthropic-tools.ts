import type { CallOptions } from '../../core/adapter.js';
import type { ChatRequest, FunctionTool, ToolChoice } from '../../core/chat-request.js';
import { GatewayError } from '../../core/errors.js';
import type { AnthropicRequestBody, AnthropicTool, AnthropicToolChoice } from './anthropic-api.js';
import { cacheControlOf } from './convert-to-anthropic-messages.js';

/**
 * Tools, tool_choice and response_format → Anthropic
 * (https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use):
 * - tool_choice `auto` → `auto`, `none` → `none`, `required` → `any`, a named function → `tool`;
 *   `parallel_tool_calls: false` → `disable_parallel_tool_use: true`.
 * - `response_format: json_schema` → `output_config.format` on models with native structured
 *   output (see anthropic-models.ts). Otherwise, and for `json_object` (Anthropic has no JSON
 *   mode), the answer is produced by a forced tool `json_response` whose input is the JSON; the
 *   response mappers turn that call back into message content, and a warning says so.
 * - `strict: true` on a tool is sent only where strict tool use exists (the same models as
 *   native structured output); elsewhere it is left out with a warning.
 */

/** The forced tool that carries an emulated structured answer. */
export const JSON_TOOL_NAME = 'json_response';

export interface ToolPlan {
  readonly tools: AnthropicTool[] | undefined;
  readonly toolChoice: AnthropicToolChoice | undefined;
  readonly outputFormat: NonNullable<AnthropicRequestBody['output_config']>['format'];
  /** Set when the answer comes back as a call of the forced JSON tool. */
  readonly jsonToolName: string | undefined;
}

export interface ToolContext {
  readonly model: string;
  readonly nativeStructuredOutput: boolean;
  readonly options: Pick<CallOptions, 'warnings'>;
}

function convertTool(tool: FunctionTool, context: ToolContext): AnthropicTool {
  const { name, description, parameters, strict } = tool.function;
  const converted: AnthropicTool = {
    name,
    ...(description == null ? {} : { description }),
    input_schema: parameters ?? { type: 'object', properties: {} },
  };
  if (strict === true) {
    if (context.nativeStructuredOutput) converted.strict = true;
    else
      context.options.warnings.warn(
        `strict ignored on tool ${name}: ${context.model} has no strict tool use`,
      );
  }
  const control = cacheControlOf(tool);
  return control === undefined ? converted : { ...converted, cache_control: control };
}

function convertChoice(choice: ToolChoice | null | undefined): AnthropicToolChoice | undefined {
  if (choice == null) return undefined;
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any' };
  return { type: 'tool', name: choice.function.name };
}

function withParallelFlag(
  choice: AnthropicToolChoice | undefined,
  parallel: boolean | null | undefined,
): AnthropicToolChoice | undefined {
  if (parallel !== false) return choice;
  const base = choice ?? { type: 'auto' };
  // `none` has no such flag: nothing is called at all.
  return base.type === 'none' ? base : { ...base, disable_parallel_tool_use: true };
}

/** The JSON Schema the answer must follow, or undefined for "any JSON object". */
function answerSchema(request: ChatRequest): Record<string, unknown> | undefined {
  const format = request.response_format;
  if (format?.type !== 'json_schema') return undefined;
  return format.json_schema.schema ?? undefined;
}

export function convertAnthropicTools(request: ChatRequest, context: ToolContext): ToolPlan {
  const tools = (request.tools ?? []).map((tool) => convertTool(tool, context));
  let choice = convertChoice(request.tool_choice);
  if (tools.length === 0 && (choice?.type === 'tool' || choice?.type === 'any')) {
    throw new GatewayError('invalid_request', 'tool_choice requires tools', {
      param: 'tool_choice',
    });
  }
  if (tools.length === 0) choice = undefined;

  const format = request.response_format;
  if (format == null || format.type === 'text') {
    return plan(tools, withParallelFlag(choice, request.parallel_tool_calls));
  }
  const schema = answerSchema(request);
  if (schema !== undefined && context.nativeStructuredOutput) {
    return {
      ...plan(tools, withParallelFlag(choice, request.parallel_tool_calls)),
      outputFormat: { type: 'json_schema', schema },
    };
  }
  context.options.warnings.warn(
    `response_format ${format.type} emulated with a forced tool: ${context.model} has no native structured output`,
  );
  const description =
    format.type === 'json_schema' && format.json_schema.description != null
      ? format.json_schema.description
      : 'Give your final answer by calling this tool; its input is the answer, as JSON.';
  tools.push({
    name: JSON_TOOL_NAME,
    description,
    input_schema: schema ?? { type: 'object' },
  });
  // With other tools (and no tool_choice "none") the model may still call them instead; a
  // named choice is the client's.
  const forced: AnthropicToolChoice =
    choice?.type === 'tool'
      ? choice
      : tools.length > 1 && choice?.type !== 'none'
        ? { type: 'any' }
        : { type: 'tool', name: JSON_TOOL_NAME };
  return {
    ...plan(tools, withParallelFlag(forced, request.parallel_tool_calls)),
    jsonToolName: JSON_TOOL_NAME,
  };
}

function plan(tools: AnthropicTool[], toolChoice: AnthropicToolChoice | undefined): ToolPlan {
  return {
    tools: tools.length === 0 ? undefined : tools,
    toolChoice,
    outputFormat: undefined,
    jsonToolName: undefined,
  };
}
