import { and, desc, eq, gte, lt, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { GatewayError } from '../core/errors.js';
import { parseJson } from '../core/json.js';
import type { Principal } from '../core/principal.js';
import type { TollgateDb } from '../db/client.js';
import { spendLogs, type SpendLogRow } from '../db/schema/spend-logs.js';
import { nanosToUsd } from '../pricing/pricing.js';

/** Spend queries (SPEC §4 `spend`, `requestLogs`; §5 `spend.summary`, `spend.logs`). */

export const spendFilterSchema = z.object({
  /** Unix ms or ISO date-time, inclusive. */
  from: z.union([z.number().int(), z.iso.datetime({ offset: true })]).nullish(),
  /** Unix ms or ISO date-time, exclusive. */
  to: z.union([z.number().int(), z.iso.datetime({ offset: true })]).nullish(),
  keyId: z.string().nullish(),
  teamId: z.string().nullish(),
  /** The served model group. */
  model: z.string().nullish(),
});

export const SPEND_GROUP_BY = ['KEY', 'TEAM', 'MODEL', 'PROVIDER', 'DAY'] as const;
export const spendGroupBySchema = z.enum(SPEND_GROUP_BY);

export type SpendFilter = z.infer<typeof spendFilterSchema>;
export type SpendGroupBy = z.infer<typeof spendGroupBySchema>;

export interface SpendGroup {
  /** The key id, team id, model group, provider or UTC day (`YYYY-MM-DD`); `null` for none. */
  readonly group: string | null;
  /** USD. */
  readonly spend: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly requests: number;
  readonly cacheHits: number;
}

function toMs(value: string | number): number {
  return typeof value === 'number' ? value : Date.parse(value);
}

/** A virtual key only ever sees its own rows, whatever filter it sends. */
function conditions(principal: Principal, filter: SpendFilter): SQL | undefined {
  const parts: Array<SQL | undefined> = [
    filter.from == null ? undefined : gte(spendLogs.startTime, toMs(filter.from)),
    filter.to == null ? undefined : lt(spendLogs.startTime, toMs(filter.to)),
    filter.teamId == null ? undefined : eq(spendLogs.teamId, filter.teamId),
    filter.model == null ? undefined : eq(spendLogs.servedModel, filter.model),
  ];
  if (principal.kind === 'virtual_key') parts.push(eq(spendLogs.keyId, principal.keyId ?? ''));
  else if (filter.keyId != null) parts.push(eq(spendLogs.keyId, filter.keyId));
  const defined = parts.filter((part): part is SQL => part !== undefined);
  return defined.length === 0 ? undefined : and(...defined);
}

function groupColumn(groupBy: SpendGroupBy): SQL<string | null> {
  switch (groupBy) {
    case 'KEY':
      return sql<string | null>`${spendLogs.keyId}`;
    case 'TEAM':
      return sql<string | null>`${spendLogs.teamId}`;
    case 'MODEL':
      return sql<string | null>`${spendLogs.servedModel}`;
    case 'PROVIDER':
      return sql<string | null>`${spendLogs.provider}`;
    case 'DAY':
      return sql<string | null>`strftime('%Y-%m-%d', ${spendLogs.startTime} / 1000, 'unixepoch')`;
  }
}

export function spendSummary(
  db: TollgateDb,
  input: { principal: Principal; filter: SpendFilter; groupBy: SpendGroupBy },
): SpendGroup[] {
  const group = groupColumn(input.groupBy);
  const rows = db
    .select({
      group,
      costNanos: sql<number>`coalesce(sum(${spendLogs.costNanos}), 0)`,
      promptTokens: sql<number>`coalesce(sum(${spendLogs.promptTokens}), 0)`,
      completionTokens: sql<number>`coalesce(sum(${spendLogs.completionTokens}), 0)`,
      requests: sql<number>`count(*)`,
      cacheHits: sql<number>`coalesce(sum(case when ${spendLogs.cacheStatus} in ('hit', 'semantic-hit') then 1 else 0 end), 0)`,
    })
    .from(spendLogs)
    .where(conditions(input.principal, input.filter))
    .groupBy(group)
    .orderBy(group)
    .all();
  return rows.map((row) => ({
    group: row.group,
    spend: nanosToUsd(Number(row.costNanos)),
    promptTokens: Number(row.promptTokens),
    completionTokens: Number(row.completionTokens),
    requests: Number(row.requests),
    cacheHits: Number(row.cacheHits),
  }));
}

const cursorSchema = z.tuple([z.number().int(), z.string()]);

/** The keyset cursor of a row (pass it as `after` to continue after that row). */
export function encodeCursor(row: SpendLogRow): string {
  return Buffer.from(JSON.stringify([row.startTime, row.requestId])).toString('base64url');
}

function decodeCursor(cursor: string): [number, string] {
  const parsed = parseJson(Buffer.from(cursor, 'base64url').toString('utf8'));
  const checked = parsed.ok ? cursorSchema.safeParse(parsed.value) : undefined;
  if (checked?.success !== true)
    throw new GatewayError('invalid_request', 'Invalid cursor', { param: 'after' });
  return checked.data;
}

export interface RequestLogPage {
  readonly rows: SpendLogRow[];
  /** Pass as `after` for the next page; null on the last page. */
  readonly endCursor: string | null;
  readonly hasNextPage: boolean;
}

/** Newest first, keyset-paginated on (start time, request id): stable while rows are added. */
export function requestLogs(
  db: TollgateDb,
  input: {
    principal: Principal;
    filter: SpendFilter;
    first: number;
    after?: string | null | undefined;
  },
): RequestLogPage {
  const first = Math.min(Math.max(1, input.first), 500);
  const parts: Array<SQL | undefined> = [conditions(input.principal, input.filter)];
  if (input.after != null) {
    const [startTime, requestId] = decodeCursor(input.after);
    parts.push(
      or(
        lt(spendLogs.startTime, startTime),
        and(eq(spendLogs.startTime, startTime), lt(spendLogs.requestId, requestId)),
      ),
    );
  }
  const defined = parts.filter((part): part is SQL => part !== undefined);
  const rows = db
    .select()
    .from(spendLogs)
    .where(defined.length === 0 ? undefined : and(...defined))
    .orderBy(desc(spendLogs.startTime), desc(spendLogs.requestId))
    .limit(first + 1)
    .all();
  const hasNextPage = rows.length > first;
  const page = hasNextPage ? rows.slice(0, first) : rows;
  const last = page.at(-1);
  return { rows: page, endCursor: last === undefined ? null : encodeCursor(last), hasNextPage };
}
