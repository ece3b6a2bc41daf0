// Builds the package with tsc, in two steps (see the tsconfig files):
//   1. declarations of the server's AppRouter type, kept only as far as AppRouter's declaration
//      reaches (a handful of files that import nothing but @trpc/server), into dist/server;
//   2. the client's JavaScript and declarations into dist, against those declarations.
// No server JavaScript is ever emitted, and the shipped types are self-contained.
import { execFileSync } from 'node:child_process';
import process from 'node:process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(packageDir, 'dist');
const staging = join(dist, '.server-types');
const tsc = createRequire(join(packageDir, 'package.json')).resolve('typescript/bin/tsc');
/** The only packages the shipped declarations may name (both are dependencies). */
const ALLOWED_EXTERNAL = /^@trpc\/(server|client)(\/|$)/;

/** @param {string} project */
function runTsc(project) {
  execFileSync(process.execPath, [tsc, '-p', join(packageDir, project)], { stdio: 'inherit' });
}

/**
 * The declaration files `entry` reaches through relative imports; fails on other packages.
 * @param {string} entry
 * @returns {string[]}
 */
function closureOf(entry) {
  /** @type {Set<string>} */
  const files = new Set();
  /** @param {string} file */
  const visit = (file) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)["']([^"']+)["']/g)) {
      const specifier = match[1] ?? '';
      if (specifier.startsWith('.')) {
        visit(resolve(dirname(file), specifier.replace(/\.js$/, '.d.ts')));
      } else if (!ALLOWED_EXTERNAL.test(specifier)) {
        throw new Error(
          `${relative(staging, file)} imports "${specifier}": AppRouter's declarations must name ` +
            'no server dependency (see src/trpc/trpc-context.ts and src/trpc/wire.ts)',
        );
      }
    }
  };
  visit(entry);
  return [...files];
}

/**
 * @param {string} directory
 * @returns {string[]}
 */
function listFiles(directory) {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

rmSync(dist, { recursive: true, force: true });
runTsc('tsconfig.server-types.json');
for (const file of closureOf(join(staging, 'trpc/routers/_app.d.ts'))) {
  const target = join(dist, 'server', relative(staging, file));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(file, target);
}
rmSync(staging, { recursive: true, force: true });
runTsc('tsconfig.build.json');
const stray = listFiles(join(dist, 'server')).filter((file) => !file.endsWith('.d.ts'));
if (stray.length > 0) throw new Error(`server JavaScript in dist: ${stray.join(', ')}`);
