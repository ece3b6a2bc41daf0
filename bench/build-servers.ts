/**
 * Everything measured runs as plain JavaScript on plain `node`: Tollgate from dist/ (rebuilt
 * when src/ is newer), the fake upstream and the pass-through proxy transpiled from bench/.
 * Running the bench servers under tsx instead would add its loader thread (~35 MB RSS) to the
 * baseline.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

function newestSourceMtime(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '__fixtures__') newest = Math.max(newest, newestSourceMtime(path));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

function mtimeOrZero(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Rebuilds dist/ with `tsc -p tsconfig.build.json` unless dist/cli.js is newer than every
 * file in src/. Returns the path of dist/cli.js; throws with tsc's output when the build fails.
 */
export function buildGateway(root: string, log: (line: string) => void): string {
  const cli = join(root, 'dist', 'cli.js');
  if (mtimeOrZero(cli) > newestSourceMtime(join(root, 'src'))) return cli;
  log('building dist/ (tsc -p tsconfig.build.json) ...');
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(
      `tsc -p tsconfig.build.json failed (use --no-build to run the existing dist/):\n${result.stdout}${result.stderr}`,
    );
  }
  return cli;
}

/** The bench servers and the modules they import (they import nothing from src/). */
const SERVER_FILES = [
  'fake-upstream.ts',
  'chat-completion-fixture.ts',
  'passthrough-proxy.ts',
  'serve-until-signal.ts',
];

/**
 * Transpiles the bench servers (types stripped, no type check) into a cache directory inside
 * node_modules, so that their bare imports (undici) resolve. Returns that directory.
 */
export function transpileBenchServers(root: string): string {
  const source = join(root, 'bench');
  const out = join(root, 'node_modules', '.cache', 'tollgate-bench');
  mkdirSync(out, { recursive: true });
  for (const name of SERVER_FILES) {
    const file = join(source, name);
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: relative(root, file),
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2023,
        verbatimModuleSyntax: true,
      },
    });
    writeFileSync(join(out, name.replace(/\.ts$/, '.js')), outputText);
  }
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  return out;
}
