import type { ChatRequest, FunctionTool, ToolChoice } from '../../core/chat-request.js';
import type { AnthropicRequest, AnthropicToolChoice } from './anthropic-request.js';
import { noteCacheControl, type ConversionNotes } from './conversion-notes.js';

/**
 * Anthropic `tools` and `tool_choice` → canonical ones
 * (https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use):
 * a custom tool → a function tool with `input_schema` as `parameters`; `auto` → `auto`,
 * `any` → `required`, `tool` → the named function, `none` → `none`;
 * `disable_parallel_tool_use: true` → `parallel_tool_calls: false`. Anthropic's own server tools
 * (web search, bash...) have no canonical form and are noted. Without tools, `tool_choice` means
 * nothing and is left out (OpenAI refuses a `tool_choice` without `tools`).
 */

type Tooling = Pick<ChatRequest, 'tools' | 'tool_choice' | 'parallel_tool_calls'>;

function convertChoice(choice: AnthropicToolChoice): ToolChoice {
  switch (choice.type) {
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      return { type: 'function', function: { name: choice.name } };
  }
}

export function convertAnthropicTools(
  request: Pick<AnthropicRequest, 'tools' | 'tool_choice'>,
  notes: ConversionNotes,
): Tooling {
  const tools: FunctionTool[] = [];
  (request.tools ?? []).forEach((tool, index) => {
    if (tool.type === 'unsupported') {
      notes.unsupported.push({
        param: `tools[${index}]`,
        reason: `a tool of type "${tool.toolType}"`,
      });
      return;
    }
    noteCacheControl(notes, tool);
    const definition: FunctionTool['function'] = { name: tool.name, parameters: tool.input_schema };
    if (typeof tool.description === 'string') definition.description = tool.description;
    if (typeof tool.strict === 'boolean') definition.strict = tool.strict;
    tools.push({ type: 'function', function: definition });
  });
  if (tools.length === 0) return {};
  const out: Tooling = { tools };
  const choice = request.tool_choice;
  if (choice !== undefined && choice !== null) {
    out.tool_choice = convertChoice(choice);
    if (choice.type !== 'none' && choice.disable_parallel_tool_use === true) {
      out.parallel_tool_calls = false;
    }
  }
  return out;
}
