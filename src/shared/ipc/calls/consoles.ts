import { z } from 'zod';
import { call } from '../define';
import { HostIdSchema } from '../../model/host';
import { UuidSchema } from '../../model/domain';

/**
 * Consoles travel outside the contract, on their own WebSocket that one
 * one-time token opens (`/console/<token>`; the token is consumed on first
 * use and expires ~30 s after issue). Framing on that socket:
 *   - binary frames, both ways: the raw byte stream of the target (RFB for VNC,
 *     terminal bytes for serial and shell);
 *   - text frames, client -> core only: one JSON ConsoleControl each;
 *   - the core closes with 1000 when the target ended, 4001 + reason when it
 *     failed, 4002 when another client took the serial console over, 4004
 *     when the page stopped reading and fell too far behind (the host's
 *     connection is shared, so the slow viewer is dropped, never the host),
 *     4005 when the sign-in session that opened it ended (serve accounts).
 * Binary data never carries control, so noVNC can own a VNC socket unchanged.
 */
export const ConsoleControlSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('resize'), cols: z.number().int().min(1).max(1000), rows: z.number().int().min(1).max(1000) }),
  // xterm.js flow control: the page says when its write buffer is above/below its watermarks.
  z.object({ t: z.literal('pause') }),
  z.object({ t: z.literal('resume') }),
]);
export type ConsoleControl = z.infer<typeof ConsoleControlSchema>;

export const CONSOLE_CLOSE = { ENDED: 1000, FAILED: 4001, TAKEN_OVER: 4002, SHUTDOWN: 4003, TOO_SLOW: 4004, SESSION_ENDED: 4005 } as const;

const TicketSchema = z.object({
  /** Absolute ws:// URL (Electron) or a path on the page's own origin (serve mode). */
  url: z.string(),
  /** When the token stops working if nobody connected (epoch ms). */
  expiresAt: z.number(),
});

export const VncTicketSchema = TicketSchema.extend({
  name: z.string(),
  /** The VNC password from the live XML, for noVNC's credentials; absent when none is set. */
  password: z.string().optional(),
  /** Where the host-side forward goes, e.g. 127.0.0.1:5900 or a unix socket path. */
  target: z.string(),
  /** Set when the display listens somewhere other than loopback (only reachable through SSH here). */
  note: z.string().optional(),
});
export type VncTicket = z.infer<typeof VncTicketSchema>;

export const SerialTicketSchema = TicketSchema.extend({ name: z.string(), device: z.string().optional() });
export type SerialTicket = z.infer<typeof SerialTicketSchema>;

export const ShellTicketSchema = TicketSchema.extend({ hostId: HostIdSchema });
export type ShellTicket = z.infer<typeof ShellTicketSchema>;

const size = { cols: z.number().int().min(2).max(1000).default(80), rows: z.number().int().min(2).max(1000).default(24) };

export const consoleCalls = {
  'consoles.openVnc': call(
    z.object({ hostId: HostIdSchema, uuid: UuidSchema }).strict(),
    VncTicketSchema,
    'Forwards the domain\'s VNC display over the host\'s SSH connection and answers a one-time WebSocket ticket. Fails with CONFLICT when the guest is off, NOT_FOUND when it has no VNC display.',
  ),
  'consoles.openSerial': call(
    z.object({ hostId: HostIdSchema, uuid: UuidSchema, force: z.boolean().default(false) }).strict(),
    SerialTicketSchema,
    'Opens the libvirt console stream. CONFLICT with detail.busy when another client holds it; force takes it over.',
  ),
  'consoles.openShell': call(
    z.object({ hostId: HostIdSchema, ...size }).strict(),
    ShellTicketSchema,
    'A login shell on the host over its existing SSH connection; resize with a control frame.',
  ),
};
