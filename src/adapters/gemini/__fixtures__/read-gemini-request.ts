import { z } from 'zod';
import type {
  SentImage,
  SentToolRoundTrip,
  SentTurn,
} from '../../../../test/contract/contract-scenarios.js';
import type { RecordedRequest } from '../../../../test/support/fake-upstream.js';

/**
 * Decodes the `generateContent` body an upstream received (Gemini API or Vertex AI) into the
 * facts the adapter contract suite checks (https://ai.google.dev/api/generate-content).
 * Test-only: it lives beside the fixtures, outside the build.
 */

const partSchema = z
  .object({
    text: z.string().optional(),
    thought: z.boolean().optional(),
    inlineData: z.object({ mimeType: z.string(), data: z.string() }).optional(),
    functionCall: z.object({ name: z.string(), args: z.unknown(), id: z.string().optional() }).optional(),
    functionResponse: z
      .object({ name: z.string(), response: z.unknown(), id: z.string().optional() })
      .optional(),
  })
  .loose();

const bodySchema = z
  .object({
    contents: z.array(z.object({ role: z.enum(['user', 'model']), parts: z.array(partSchema) })),
    systemInstruction: z.object({ parts: z.array(partSchema) }).optional(),
    generationConfig: z
      .object({
        thinkingConfig: z
          .object({
            includeThoughts: z.boolean().optional(),
            thinkingBudget: z.number().optional(),
            thinkingLevel: z.string().optional(),
          })
          .optional(),
      })
      .loose()
      .optional(),
  })
  .loose();

type Part = z.infer<typeof partSchema>;

function body(request: RecordedRequest): z.infer<typeof bodySchema> {
  return bodySchema.parse(request.body);
}

function text(parts: readonly Part[]): string {
  return parts.map((part) => (part.thought === true ? '' : (part.text ?? ''))).join('');
}

export function readGeminiSystemPrompt(request: RecordedRequest): string {
  return text(body(request).systemInstruction?.parts ?? []);
}

export function readGeminiTurns(request: RecordedRequest): SentTurn[] {
  return body(request).contents.map((content) => ({
    role: content.role === 'model' ? 'assistant' : 'user',
    text: text(content.parts),
  }));
}

export function readGeminiImage(request: RecordedRequest): SentImage {
  const user = body(request).contents.find((content) => content.role === 'user');
  const image = user?.parts.find((part) => part.inlineData !== undefined)?.inlineData;
  return {
    mediaType: image?.mimeType,
    base64: image?.data ?? '',
    text: text(user?.parts ?? []),
  };
}

export function readGeminiToolRoundTrip(request: RecordedRequest): SentToolRoundTrip {
  const parts = body(request).contents.flatMap((content) => content.parts);
  const call = parts.find((part) => part.functionCall !== undefined)?.functionCall;
  const result = parts.find((part) => part.functionResponse !== undefined)?.functionResponse;
  // Gemini pairs a result with its call by function name; ids only where the model gave one.
  return {
    call: { id: call?.id, name: call?.name ?? '', arguments: call?.args },
    result: {
      callId: result?.name === call?.name ? call?.id : 'unpaired',
      content: result?.response,
    },
  };
}

export function readGeminiReasoningRequested(request: RecordedRequest): boolean {
  const thinking = body(request).generationConfig?.thinkingConfig;
  return thinking?.includeThoughts === true && (thinking.thinkingBudget ?? 1) > 0;
}
