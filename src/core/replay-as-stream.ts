import type { ChatChunk, ChatDelta } from './chat-chunk.js';
import type { ChatResponse } from './chat-response.js';

/** Characters per replayed content chunk: small enough to look like a stream, few enough to be cheap. */
const CHUNK_CHARACTERS = 64;

/**
 * A cached answer replayed as the chunks a provider would have streamed: per choice a role
 * chunk, content (and reasoning) chunks, tool calls, a finish chunk; then a usage chunk with no
 * choices, as `stream_options.include_usage` expects. The transport decides whether to send it.
 */
export function* replayAsStream(response: ChatResponse): Generator<ChatChunk> {
  const base = {
    id: response.id,
    object: 'chat.completion.chunk' as const,
    created: response.created,
    model: response.model,
  };
  const chunk = (
    index: number,
    delta: ChatDelta,
    finish?: ChatResponse['choices'][number]['finish_reason'],
  ): ChatChunk => ({
    ...base,
    choices: [{ index, delta, finish_reason: finish ?? null }],
  });
  for (const choice of response.choices) {
    const { message, index } = choice;
    yield chunk(index, { role: 'assistant', content: '' });
    for (const piece of pieces(message.reasoning_content ?? ''))
      yield chunk(index, { reasoning_content: piece });
    for (const piece of pieces(message.content ?? '')) yield chunk(index, { content: piece });
    if (message.refusal != null) yield chunk(index, { refusal: message.refusal });
    if (message.tool_calls != null && message.tool_calls.length > 0) {
      yield chunk(index, {
        tool_calls: message.tool_calls.map((call, position) => ({
          index: position,
          id: call.id,
          type: 'function' as const,
          function: { name: call.function.name, arguments: call.function.arguments },
        })),
      });
    }
    yield chunk(index, {}, choice.finish_reason ?? 'stop');
  }
  yield { ...base, choices: [], usage: response.usage ?? null };
}

function pieces(text: string): string[] {
  const out: string[] = [];
  for (let start = 0; start < text.length; start += CHUNK_CHARACTERS)
    out.push(text.slice(start, start + CHUNK_CHARACTERS));
  return out;
}
