import { z } from 'zod';

// Errors cross IPC/WebSocket as data: a thrown Error loses everything but its
// message on the way, so every call answers with this envelope instead.
export const ErrorCodeSchema = z.enum([
  'VALIDATION', // input did not match the contract
  'UNKNOWN_CALL',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'CONFLICT',
  'NOT_CONNECTED', // host known but no live connection
  'HOST_UNREACHABLE',
  'HOST_KEY_UNKNOWN',
  'HOST_KEY_MISMATCH',
  'AUTH_FAILED',
  'LIBVIRT', // libvirt answered with an error; detail carries its code
  'TIMEOUT',
  'CANCELLED',
  'UNSUPPORTED',
  'INTERNAL',
  'BUSY', // this client has too many calls in flight; retry when some have answered
  'FORBIDDEN', // the caller's role or scope does not allow this call on this target (docs/access.md)
]);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const AppErrorSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  hostId: z.string().optional(),
  detail: z.unknown().optional(),
});
export type AppError = z.infer<typeof AppErrorSchema>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const err = (error: AppError): Result<never> => ({ ok: false, error });

/** Thrown inside the core by services; the handler registry turns it into a Result. */
export class AppFailure extends Error {
  readonly error: AppError;
  constructor(code: ErrorCode, message: string, extra: { hostId?: string; detail?: unknown } = {}) {
    super(message);
    this.name = 'AppFailure';
    this.error = { code, message, ...extra };
  }
}

export function isAppFailure(e: unknown): e is AppFailure {
  return e instanceof AppFailure;
}
