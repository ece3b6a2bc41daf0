import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printGraphqlSchema } from './index.js';

/** `npm run schema:print`: regenerates the committed schema.graphql at the repository root. */
export const SCHEMA_FILE = fileURLToPath(new URL('../../schema.graphql', import.meta.url));

writeFileSync(SCHEMA_FILE, printGraphqlSchema());
process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
