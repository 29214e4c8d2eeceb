// The registry shape: one declaration per procedure, the name comes from the
// key, and args/ret types are inferred from the codecs.
import type { Codec, Infer } from '../codec';

export interface Procedure<A, R> {
  readonly proc: number;
  readonly name: string;
  readonly args: Codec<A>;
  readonly ret: Codec<R>;
  /** The call opens a data stream (console, volume upload/download). */
  readonly stream?: boolean;
}

export interface ProcedureSpec<A, R> {
  readonly proc: number;
  readonly args: Codec<A>;
  readonly ret: Codec<R>;
  readonly stream?: boolean;
}

type AnySpec = ProcedureSpec<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type ArgsOf<S> = S extends { readonly args: Codec<infer A> } ? A : never;
type RetOf<S> = S extends { readonly ret: Codec<infer R> } ? R : never;

export function procedures<T extends Record<string, AnySpec>>(
  specs: T,
): { readonly [K in keyof T]: Procedure<ArgsOf<T[K]>, RetOf<T[K]>> } {
  const out: Record<string, Procedure<unknown, unknown>> = {};
  for (const [name, s] of Object.entries(specs)) out[name] = { ...s, name };
  return out as { readonly [K in keyof T]: Procedure<ArgsOf<T[K]>, RetOf<T[K]>> };
}

/** An asynchronous event message (type MESSAGE, serial 0). */
export interface EventSpec<M> {
  /** Message procedure number. */
  readonly proc: number;
  /** The eventID to register for (VIR_*_EVENT_ID_*), when it has one. */
  readonly eventId?: number;
  readonly msg: Codec<M>;
}

export type EventPayload<S> = S extends { readonly msg: Codec<infer M> } ? M : never;
export type { Infer };
