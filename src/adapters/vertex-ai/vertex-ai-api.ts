import { z } from 'zod';

/**
 * Wire schemas Vertex AI adds to the shared `generateContent` ones (`gemini/gemini-api.ts`):
 * the service-account key file, Google's OAuth token endpoint, and the `:predict` embeddings.
 */

/**
 * A service-account key file as the Cloud console downloads it
 * (https://cloud.google.com/iam/docs/keys-create-delete). Only what signing needs is read.
 */
export const serviceAccountSchema = z
  .object({
    type: z.literal('service_account', {
      error: 'must be a service-account key (type "service_account")',
    }),
    client_email: z.string().min(1),
    /** PKCS#8 PEM. */
    private_key: z.string().min(1),
    private_key_id: z.string().nullish(),
    project_id: z.string().nullish(),
    /** Where the signed assertion is exchanged; Google's default when absent. */
    token_uri: z.url().nullish(),
  })
  .loose();

/** https://developers.google.com/identity/protocols/oauth2/service-account#httprest */
export const accessTokenResponseSchema = z
  .object({
    access_token: z.string().min(1),
    /** Lifetime in seconds (3599 for Google's tokens). */
    expires_in: z.number().positive(),
    token_type: z.string().nullish(),
  })
  .loose();

/** OAuth error bodies: `{"error": "invalid_grant", "error_description": "Invalid JWT Signature."}`. */
export const oauthErrorSchema = z
  .object({ error: z.string(), error_description: z.string().nullish() })
  .loose();

/**
 * `:predict` for text embedding models
 * (https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api).
 */
export const vertexPredictEmbeddingsSchema = z
  .object({
    predictions: z.array(
      z
        .object({
          embeddings: z
            .object({
              values: z.array(z.number()),
              statistics: z
                .object({ token_count: z.number().nonnegative().nullish() })
                .loose()
                .nullish(),
            })
            .loose(),
        })
        .loose(),
    ),
  })
  .loose();

export type ServiceAccount = z.infer<typeof serviceAccountSchema>;
export type AccessTokenResponse = z.infer<typeof accessTokenResponseSchema>;
