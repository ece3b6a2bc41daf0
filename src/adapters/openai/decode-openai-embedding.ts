/**
 * Decodes an embedding sent as `encoding_format: "base64"`: the vector's float32 values,
 * little-endian, base64-encoded (https://platform.openai.com/docs/api-reference/embeddings/create,
 * and what the official SDKs decode). Returns undefined when the bytes are not whole float32s.
 */
export function decodeBase64Embedding(encoded: string): number[] | undefined {
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length % 4 !== 0) return undefined;
  // DataView makes the byte order explicit and does not care about the buffer's alignment.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const vector = new Array<number>(bytes.length / 4);
  for (let index = 0; index < vector.length; index += 1) {
    vector[index] = view.getFloat32(index * 4, true);
  }
  return vector;
}
