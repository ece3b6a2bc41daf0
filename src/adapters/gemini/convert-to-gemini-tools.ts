import type { CallOptions } from '../../core/adapter.js';
import type { ChatRequest, FunctionTool, ToolChoice } from '../../core/chat-request.js';
import { GatewayError } from '../../core/errors.js';
import type { GeminiFunctionDeclaration, GeminiToolConfig } from './gemini-api.js';
import { convertToGeminiSchema, isEmptyObjectSchema } from './convert-to-gemini-schema.js';

/**
 * `tools` and `tool_choice` → `tools[].functionDeclarations` and
 * `toolConfig.functionCallingConfig` (https://ai.google.dev/gemini-api/docs/function-calling):
 * `auto` → AUTO, `none` → NONE, `required` → ANY, a named function → ANY limited to that name.
 */

export interface ToolsInit {
  readonly provider: string;
  readonly options: Pick<CallOptions, 'warnings'>;
}

export interface ConvertedTools {
  readonly tools: Array<{ functionDeclarations: GeminiFunctionDeclaration[] }> | undefined;
  readonly toolConfig: GeminiToolConfig | undefined;
}

function declaration(
  tool: FunctionTool,
  context: ToolsInit & { index: number },
): GeminiFunctionDeclaration {
  const fn = tool.function;
  const out: GeminiFunctionDeclaration = { name: fn.name };
  if (fn.description !== null && fn.description !== undefined) out.description = fn.description;
  const parameters = fn.parameters;
  // Gemini rejects an OBJECT schema without properties: a function without arguments has none.
  if (parameters === null || parameters === undefined || isEmptyObjectSchema(parameters)) {
    return out;
  }
  const param = `tools[${context.index}].function.parameters`;
  const converted = convertToGeminiSchema(parameters, {
    provider: context.provider,
    param,
    orderProperties: false,
  });
  if (converted.dropped.length > 0) {
    context.options.warnings.warn(
      `${context.provider} cannot express ${converted.dropped.join(', ')} in ${param}; dropped`,
    );
  }
  out.parameters = converted.schema;
  return out;
}

function toolConfig(choice: ToolChoice, names: readonly string[]): GeminiToolConfig {
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'required') {
    if (names.length === 0) {
      throw new GatewayError('invalid_request', 'tool_choice "required" needs tools', {
        param: 'tool_choice',
      });
    }
    return { functionCallingConfig: { mode: 'ANY' } };
  }
  const name = choice.function.name;
  if (!names.includes(name)) {
    throw new GatewayError(
      'invalid_request',
      `tool_choice names the function "${name}", which is not in tools`,
      { param: 'tool_choice' },
    );
  }
  return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [name] } };
}

export function convertToGeminiTools(request: ChatRequest, init: ToolsInit): ConvertedTools {
  const tools = request.tools ?? [];
  const declarations = tools.map((tool, index) => declaration(tool, { ...init, index }));
  const choice = request.tool_choice;
  // Without tools, `auto` and `none` mean the same as nothing; Gemini wants no toolConfig then.
  const idle = choice === 'auto' || choice === 'none';
  const config =
    choice === null || choice === undefined || (idle && declarations.length === 0)
      ? undefined
      : toolConfig(
          choice,
          declarations.map((entry) => entry.name),
        );
  return {
    tools: declarations.length === 0 ? undefined : [{ functionDeclarations: declarations }],
    toolConfig: config,
  };
}
