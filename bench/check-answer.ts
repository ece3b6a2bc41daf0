/**
 * Before measuring a target, one request of each kind is read in full and checked: the reply
 * text, the usage, and for streams the chunk sequence and `[DONE]`. A gateway that answers
 * fast but wrong must not pass the benchmark.
 */
import { createParser } from 'eventsource-parser';
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { REPLY_TEXT } from './chat-completion-fixture.js';
import type { LoadRequest } from './load-generator.js';

const usageSchema = z.object({
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  total_tokens: z.number(),
});

const completionSchema = z.object({
  object: z.literal('chat.completion'),
  choices: z.array(z.object({ message: z.object({ content: z.string().nullish() }) })).min(1),
  usage: usageSchema,
});

const chunkSchema = z.object({
  object: z.literal('chat.completion.chunk'),
  choices: z.array(
    z.object({
      delta: z.object({ content: z.string().nullish() }),
      finish_reason: z.string().nullish(),
    }),
  ),
  usage: usageSchema.nullish(),
});

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`not JSON: ${text.slice(0, 200)}`);
  }
}

function checkCompletion(text: string): void {
  const completion = completionSchema.parse(parseJson(text));
  const content = completion.choices[0]?.message.content;
  if (content !== REPLY_TEXT) throw new Error(`unexpected content ${JSON.stringify(content)}`);
}

function checkStream(text: string): void {
  const data: string[] = [];
  const parser = createParser({ onEvent: (event) => data.push(event.data) });
  parser.feed(text);
  if (data.at(-1) !== '[DONE]') throw new Error('the stream does not end with [DONE]');
  let content = '';
  let finishReason: string | undefined;
  let usage = false;
  for (const item of data.slice(0, -1)) {
    const chunk = chunkSchema.parse(parseJson(item));
    for (const choice of chunk.choices) {
      content += choice.delta.content ?? '';
      finishReason = choice.finish_reason ?? finishReason;
    }
    if (chunk.usage !== null && chunk.usage !== undefined) usage = true;
  }
  if (content !== REPLY_TEXT) throw new Error(`unexpected content ${JSON.stringify(content)}`);
  if (finishReason !== 'stop') throw new Error(`unexpected finish_reason ${String(finishReason)}`);
  if (!usage) throw new Error('no usage chunk although include_usage was set');
}

/** Sends `request` once and throws, naming `target`, unless the answer is complete and right. */
export async function checkAnswer(
  target: string,
  dispatcher: Dispatcher,
  request: LoadRequest,
): Promise<void> {
  const { statusCode, body } = await dispatcher.request({
    method: 'POST',
    path: request.path,
    headers: request.headers,
    body: request.body,
  });
  const text = await body.text();
  try {
    if (statusCode !== 200) throw new Error(`HTTP ${statusCode}: ${text.slice(0, 500)}`);
    if (request.stream) checkStream(text);
    else checkCompletion(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `${target} answered a ${request.stream ? 'stream' : 'JSON'} request wrongly: ${reason}`,
    );
  }
}
