/** The message src/quantity.ts gives for an invalid quantity, so tests of callers can expect `<where>: <message>`. */
import { parseQuantity, QuantityError } from '../../src/quantity.js';

export function quantityErrorMessage(text: string): string {
  try {
    parseQuantity(text);
  } catch (error) {
    if (error instanceof QuantityError) return error.message;
    throw error;
  }
  throw new Error(`${JSON.stringify(text)} is a valid quantity`);
}
