/**
 * Summarises a V8 .cpuprofile (from `--profile DIR`, i.e. `node --cpu-prof`): the functions
 * with the most self time, and the functions of our own code (dist/) with the most total time
 * (self plus callees), so a missed target can be traced to files and functions.
 *
 *   tsx bench/summarise-cpu-profile.ts FILE.cpuprofile [--top N]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';

const profileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({
        functionName: z.string(),
        url: z.string(),
        lineNumber: z.number(),
      }),
      children: z.array(z.number()).nullish(),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

type Profile = z.infer<typeof profileSchema>;

export interface FunctionTime {
  readonly name: string;
  readonly microseconds: number;
}

/** Built-in pseudo-frames that are not JavaScript functions. */
const META = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

function frameName(frame: Profile['nodes'][number]['callFrame']): string {
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  if (frame.url === '') return name;
  const path = frame.url.replace(/^file:\/\//, '');
  const packageAt = path.indexOf('/node_modules/');
  const file = packageAt !== -1 ? path.slice(packageAt + 1) : path.replace(/^.*\/dist\//, 'dist/');
  return `${name} ${file}:${frame.lineNumber + 1}`;
}

export function summariseProfile(profile: Profile): {
  totalMicroseconds: number;
  meta: FunctionTime[];
  self: FunctionTime[];
  ownCodeTotal: FunctionTime[];
} {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const selfById = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    // timeDeltas[i] is the time before sample i; the time a sample stands for follows it.
    const duration = profile.timeDeltas[index + 1] ?? 0;
    selfById.set(id, (selfById.get(id) ?? 0) + duration);
  });
  const self = new Map<string, number>();
  const ownTotal = new Map<string, number>();
  let total = 0;
  for (const [id, microseconds] of selfById) {
    const node = byId.get(id)!;
    const name = frameName(node.callFrame);
    self.set(name, (self.get(name) ?? 0) + microseconds);
    total += microseconds;
    // Each own-code function on the stack gets the sample once, however deep it recurses.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      const frameLabel = frameName(frame);
      const ownCode = frame.url.includes('/dist/') && !frame.url.includes('/node_modules/');
      if (ownCode && !seen.has(frameLabel)) {
        seen.add(frameLabel);
        ownTotal.set(frameLabel, (ownTotal.get(frameLabel) ?? 0) + microseconds);
      }
    }
  }
  const sorted = (map: Map<string, number>): FunctionTime[] =>
    [...map]
      .map(([name, microseconds]) => ({ name, microseconds }))
      .sort((a, b) => b.microseconds - a.microseconds);
  const all = sorted(self);
  return {
    totalMicroseconds: total,
    meta: all.filter((entry) => META.has(entry.name)),
    self: all.filter((entry) => !META.has(entry.name)),
    ownCodeTotal: sorted(ownTotal),
  };
}

function formatRows(rows: readonly FunctionTime[], busy: number): string {
  return rows
    .map(
      (row) =>
        `${(row.microseconds / 1000).toFixed(1).padStart(9)} ms ${((row.microseconds / busy) * 100).toFixed(1).padStart(5)}%  ${row.name}`,
    )
    .join('\n');
}

function main(): void {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: { top: { type: 'string' } },
    allowPositionals: true,
  });
  const file = positionals[0];
  if (file === undefined) {
    process.stderr.write('Usage: tsx bench/summarise-cpu-profile.ts FILE.cpuprofile [--top N]\n');
    process.exit(2);
  }
  const top = Number(values.top ?? '30');
  const profile = profileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const summary = summariseProfile(profile);
  const idle = summary.meta.find((entry) => entry.name === '(idle)')?.microseconds ?? 0;
  const busy = summary.totalMicroseconds - idle;
  process.stdout.write(
    [
      `profiled ${(summary.totalMicroseconds / 1000).toFixed(0)} ms, busy ${(busy / 1000).toFixed(0)} ms (percentages are of busy time)`,
      '',
      formatRows(summary.meta, busy),
      '',
      `top ${top} by self time:`,
      formatRows(summary.self.slice(0, top), busy),
      '',
      `top ${top} of dist/ by total time (self + callees):`,
      formatRows(summary.ownCodeTotal.slice(0, top), busy),
      '',
    ].join('\n'),
  );
}

main();
