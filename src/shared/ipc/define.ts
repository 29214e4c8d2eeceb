import type { z } from 'zod';

// Helpers that keep each contract entry a single declaration; the types of
// inputs, outputs and payloads are inferred from these schemas, never restated.
export interface CallSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  /** What the call does, for docs and error messages. */
  doc: string;
}
export interface EventSpec<P extends z.ZodType = z.ZodType> {
  payload: P;
  doc: string;
}

export const call = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O, doc: string): CallSpec<I, O> => ({
  input,
  output,
  doc,
});
export const event = <P extends z.ZodType>(payload: P, doc: string): EventSpec<P> => ({ payload, doc });
