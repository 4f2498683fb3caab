/** A Kubernetes quantity string in inventory JSON, parsed exactly (bigint); a bad one is a zod issue with the parser's message. */
import { z } from 'zod';
import { parseQuantity, QuantityError, type Quantity } from '../quantity.js';

export const quantitySchema = z.string().transform((text, ctx): Quantity => {
  try {
    return parseQuantity(text);
  } catch (error) {
    if (!(error instanceof QuantityError)) throw error;
    ctx.issues.push({ code: 'custom', message: error.message, input: text });
    return z.NEVER;
  }
});
