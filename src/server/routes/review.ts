/**
 * The Review page's API, mounted at `/api/reviews`:
 * - `GET /` the cluster's cycles (oldest first) and the one `latest` reviews;
 * - `GET /:cycle` (`latest` or a name; `underUseBelow`, `flagPeakAbove` in percent) the review as JSON, the same
 *   value `quotaplan review -o json` prints; `GET /:cycle/report.{md,html,csv}` the CLI's files as downloads;
 * - `POST /:cycle/plan` `{ planId, note?, by?, cluster? }`: makes a saved plan (a draft made for that cycle) the
 *   cycle's plan, recorded in its history (`plan 3 -> 5`); refused (409) once the cycle is approved;
 * - `POST /:cycle/submit` `{ planId?, note?, by?, cluster? }` and `POST /:cycle/approve` `{ planId, note?, by?, cluster? }`: the lifecycle,
 *   behind the writer guard. An approval names the plan the approver reviewed and records who: the trusted proxy's
 *   user, or `by` from the body when the bearer token is used (required then).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { cycleToJson, reviewToJson } from '../../emit/review-json.js';
import { reviewCsv } from '../../emit/review-csv.js';
import { reviewHtml } from '../../emit/review-html.js';
import { reviewMarkdown } from '../../emit/review-markdown.js';
import { ValidationError } from '../../errors.js';
import { approveCycle, loadReview, reviewedCycle, setPlanOfCycle, submitCycle } from '../../review/cycle-store.js';
import { withFlagOverrides, DEFAULT_RULES } from '../../review/rules.js';
import type { RouteDeps } from '../deps.js';
import { guardOptions } from '../deps.js';
import { viewCache, viewResponse, type View } from '../view-cache.js';
import type { Cycle } from '../../store/store.js';
import { requireWriter, type GuardVariables } from '../guard.js';
import { clusterName, validate } from '../validate.js';

const cycleName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'expected a cycle name such as 2026-Q4, or "latest"');
const cycleParam = z.object({ cycle: cycleName });
const percent = z.string().regex(/^\d{1,3}(\.\d{1,4})?$/, 'expected a percentage such as 50');
const reviewQuery = z.object({ cluster: clusterName.optional(), underUseBelow: percent.optional(), flagPeakAbove: percent.optional() });
const clusterQuery = z.object({ cluster: clusterName.optional() });
const planId = z.number().int().positive().max(2 ** 31);
const note = z.string().max(2000);
// `cluster` in the body too: the dashboard adds it to every POST when the database holds several clusters.
const by = z.string().trim().min(1).max(200);
const submitBody = z.strictObject({ planId: planId.optional(), note: note.optional(), by: by.optional(), cluster: clusterName.optional() });
const approveBody = z.strictObject({ planId, note: note.optional(), by: by.optional(), cluster: clusterName.optional() });
const attachBody = z.strictObject({ planId, note: note.optional(), by: by.optional(), cluster: clusterName.optional() });

/** A body sent once and not kept (a one-entry cache of its own). */
function uncached(text: string): Promise<View> {
  return viewCache(1).text('once', () => text);
}

export function reviewRoutes(deps: RouteDeps): Hono<{ Variables: GuardVariables }> {
  const { store } = deps;
  const routes = new Hono<{ Variables: GuardVariables }>();
  const review = async (cluster: string, cycle: string, query: z.infer<typeof reviewQuery>): Promise<ReturnType<typeof reviewToJson>> => {
    const rules = withFlagOverrides(DEFAULT_RULES, {
      ...(query.underUseBelow === undefined ? {} : { underUseBelow: query.underUseBelow }),
      ...(query.flagPeakAbove === undefined ? {} : { flagPeakAbove: query.flagPeakAbove }),
    });
    return reviewToJson(await loadReview(store, { cluster, cycle }, rules, deps.measure));
  };
  /**
   * The review as JSON bytes, kept (view cache) per what it is made of: the cycles (state, plan, times, approval)
   * with their event counts, the newest snapshot seq (a snapshot stored in the middle moves it too), and the rules
   * asked. Reading those is a few small queries; building the review reads every snapshot of the cycle (100-425 ms).
   * Measured use (Prometheus) changes as time passes, so with `--prometheus` nothing is kept.
   */
  const reviewView = async (cycle: string, query: z.infer<typeof reviewQuery>): Promise<{ key: string | null; view: View }> => {
    const cluster = await store.resolveCluster(query.cluster);
    if (deps.measure !== undefined) return { key: null, view: await uncached(JSON.stringify(await review(cluster, cycle, query))) };
    const cycles = await store.listCycles({ cluster });
    const events = await Promise.all(cycles.map(async (c) => (await store.listCycleEvents(c.id)).length));
    const key = `review:${JSON.stringify([cluster, cycle, query.underUseBelow ?? null, query.flagPeakAbove ?? null, await store.newestSeq(cluster), cycles, events])}`;
    return { key, view: await deps.views.json(key, () => review(cluster, cycle, query)) };
  };
  const withEvents = async (cycle: Cycle): Promise<ReturnType<typeof cycleToJson>> => cycleToJson(cycle, await store.listCycleEvents(cycle.id));

  routes.get('/', validate('query', clusterQuery), async (c) => {
    const cluster = await store.resolveCluster(c.req.valid('query').cluster);
    let latest: string | null = null;
    try {
      latest = (await reviewedCycle(store, { cluster, cycle: 'latest' })).name;
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
    }
    const cycles = await store.listCycles({ cluster });
    return c.json({ cluster, latest, cycles: await Promise.all(cycles.map(withEvents)) });
  });

  routes.get('/:cycle', validate('param', cycleParam), validate('query', reviewQuery), async (c) => viewResponse(c, (await reviewView(c.req.valid('param').cycle, c.req.valid('query'))).view));

  const download = (format: 'md' | 'html' | 'csv', type: string, render: (json: Awaited<ReturnType<typeof review>>) => string) =>
    routes.get(`/:cycle/report.${format}`, validate('param', cycleParam), validate('query', reviewQuery), async (c) => {
      const { key, view } = await reviewView(c.req.valid('param').cycle, c.req.valid('query'));
      // The review JSON is plain JSON (reviewToJson): the report renders the same from its bytes.
      const json = JSON.parse(new TextDecoder().decode(view.body)) as Awaited<ReturnType<typeof review>>;
      const report = key === null ? await uncached(render(json)) : await deps.views.text(`${key}:report.${format}`, () => render(json));
      return viewResponse(c, report, {
        'Content-Type': `${type}; charset=utf-8`,
        'Content-Disposition': `attachment; filename="review-${json.cycle.name}.${format}"`,
      });
    });
  download('md', 'text/markdown', reviewMarkdown);
  download('html', 'text/html', reviewHtml);
  download('csv', 'text/csv', reviewCsv);

  routes.post('/:cycle/submit', requireWriter(guardOptions(deps)), validate('param', cycleParam), validate('query', clusterQuery), validate('json', submitBody), async (c) => {
    const { cycle } = c.req.valid('param');
    const body = c.req.valid('json');
    // With the token, `by` (optional here) says who submits; a proxy user is who it says.
    const actor = c.get('actor') === 'token' && body.by !== undefined ? body.by : c.get('actor');
    const cluster = body.cluster ?? c.req.valid('query').cluster;
    const updated = await submitCycle(store, { cluster, cycle, planId: body.planId, at: deps.clock(), actor, note: body.note ?? null });
    deps.log?.(`quotaplan serve: cycle ${updated.name} submitted by ${actor}`);
    return c.json(await withEvents(updated));
  });

  routes.post('/:cycle/plan', requireWriter(guardOptions(deps)), validate('param', cycleParam), validate('query', clusterQuery), validate('json', attachBody), async (c) => {
    const { cycle } = c.req.valid('param');
    const body = c.req.valid('json');
    const actor = c.get('actor') === 'token' && body.by !== undefined ? body.by : c.get('actor');
    const cluster = body.cluster ?? c.req.valid('query').cluster;
    const updated = await setPlanOfCycle(store, { cluster, cycle, planId: body.planId, at: deps.clock(), actor, note: body.note ?? null });
    deps.log?.(`quotaplan serve: cycle ${updated.name} now has plan ${body.planId}, set by ${actor}`);
    return c.json(await withEvents(updated));
  });

  routes.post('/:cycle/approve', requireWriter(guardOptions(deps)), validate('param', cycleParam), validate('query', clusterQuery), validate('json', approveBody), async (c) => {
    const { cycle } = c.req.valid('param');
    const body = c.req.valid('json');
    const actor = c.get('actor');
    // The token says a writer sent this, not who: then the body must name the approver.
    if (actor === 'token' && body.by === undefined) throw new ValidationError('an approval names who approves: give "by"', { field: 'by' });
    const approver = actor === 'token' ? (body.by as string) : actor;
    const cluster = body.cluster ?? c.req.valid('query').cluster;
    const updated = await approveCycle(store, { cluster, cycle, expectedPlanId: body.planId, at: deps.clock(), actor: approver, note: body.note ?? null });
    deps.log?.(`quotaplan serve: cycle ${updated.name} approved by ${approver}`);
    return c.json(await withEvents(updated));
  });

  return routes;
}
