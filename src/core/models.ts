import { z } from 'zod';

/** A model as `GET /v1/models` lists it. */
export const modelSchema = z.object({
  /** The public model name (a model group, or a wildcard pattern such as `openai/*`). */
  id: z.string(),
  object: z.literal('model'),
  /** Unix seconds; the time the gateway loaded its configuration. */
  created: z.number().int(),
  /** The provider(s) serving the group. */
  owned_by: z.string(),
});

export const modelListSchema = z.object({
  object: z.literal('list'),
  data: z.array(modelSchema),
});

export type Model = z.infer<typeof modelSchema>;
export type ModelList = z.infer<typeof modelListSchema>;
