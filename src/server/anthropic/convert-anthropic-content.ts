import type { UserContentPart } from '../../core/chat-request.js';
import type { AnthropicDocumentBlock, AnthropicImageBlock } from './anthropic-request.js';
import type { ConversionNotes } from './conversion-notes.js';

/**
 * Anthropic image and document blocks → canonical user content parts. What has no canonical form
 * (sources that name a file uploaded to Anthropic, documents behind a URL) is noted, not guessed.
 */

interface BlockAt<T> {
  readonly block: T;
  /** The block's path in the request, e.g. `messages[0].content[1]`. */
  readonly param: string;
}

/** An image → an `image_url` part: base64 becomes a `data:` URL, a URL stays a URL. */
export function convertAnthropicImage(
  { block, param }: BlockAt<AnthropicImageBlock>,
  notes: ConversionNotes,
): UserContentPart | undefined {
  const source = block.source;
  if (source.type === 'base64') {
    return {
      type: 'image_url',
      image_url: { url: `data:${source.media_type};base64,${source.data}` },
    };
  }
  if (source.type === 'url') return { type: 'image_url', image_url: { url: source.url } };
  notes.unsupported.push({ param, reason: 'an image from a file uploaded to Anthropic' });
  return undefined;
}

function fileName(block: AnthropicDocumentBlock, mediaType: string): string {
  if (typeof block.title === 'string' && block.title !== '') return block.title;
  return mediaType === 'application/pdf' ? 'document.pdf' : 'document';
}

/**
 * A document → parts: a base64 file (PDF) becomes a `file` part with a `data:` URL, plain text a
 * text part, and a `content` source its own text and image parts.
 * https://docs.anthropic.com/en/docs/build-with-claude/pdf-support
 */
export function convertAnthropicDocument(
  { block, param }: BlockAt<AnthropicDocumentBlock>,
  notes: ConversionNotes,
): UserContentPart[] {
  const source = block.source;
  switch (source.type) {
    case 'base64':
      return [
        {
          type: 'file',
          file: {
            file_data: `data:${source.media_type};base64,${source.data}`,
            filename: fileName(block, source.media_type),
          },
        },
      ];
    case 'text':
      return [{ type: 'text', text: source.data }];
    case 'content': {
      if (typeof source.content === 'string') return [{ type: 'text', text: source.content }];
      const parts: UserContentPart[] = [];
      source.content.forEach((inner, index) => {
        if (inner.type === 'text') parts.push({ type: 'text', text: inner.text });
        else {
          const image = convertAnthropicImage(
            { block: inner, param: `${param}.source.content[${index}]` },
            notes,
          );
          if (image !== undefined) parts.push(image);
        }
      });
      return parts;
    }
    case 'url':
      notes.unsupported.push({ param, reason: 'a document fetched from a URL' });
      return [];
    case 'file':
      notes.unsupported.push({ param, reason: 'a document from a file uploaded to Anthropic' });
      return [];
  }
}
