import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The CLI tests run the built `dist/` (what `npm start` runs); build it once, incrementally. */
export default function setup(): void {
  // Set TOLLGATE_SKIP_BUILD=1 to iterate on unit tests while dist/ is known to be current.
  if (process.env.TOLLGATE_SKIP_BUILD === '1') return;
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
}
