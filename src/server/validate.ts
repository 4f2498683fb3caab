/**
 * zod at the edge through @hono/zod-validator, with one failure hook: the first issue becomes a ValidationError
 * naming the field (`snapshot`, `changes[0].weight`), which app.onError turns into 400 `{ error, field }`.
 */
import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import { z } from 'zod';
import { validationErrorFromZod } from './http-errors.js';

export function validate<Target extends keyof ValidationTargets, Schema extends z.ZodType>(target: Target, schema: Schema) {
  return zValidator(target, schema, (result) => {
    if (!result.success) throw validationErrorFromZod('', result.error);
  });
}

/** `latest` or a snapshot id. */
export const snapshotRef = z.union([z.literal('latest'), z.string().regex(/^[1-9][0-9]{0,9}$/, 'expected a snapshot id or "latest"')]);

/** `latest` or a plan id. */
export const planRef = z.union([z.literal('latest'), z.string().regex(/^[1-9][0-9]{0,9}$/, 'expected a plan id or "latest"')]);

export const clusterName = z.string().min(1).max(253);

/** An ISO 8601 date or date-time. */
export const isoTime = z.iso.datetime({ offset: true }).or(z.iso.date());
