export type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  child(scope: string): Logger;
}

/** Plain line logger to stderr (serve mode and tests capture it to a file). */
export function createLogger(scope = 'core', min: Level = (process.env.VIRTDECK_LOG as Level) || 'info'): Logger {
  const write = (level: Level, msg: string) => {
    if (order[level] < order[min]) return;
    process.stderr.write(`${new Date().toISOString()} ${level.padEnd(5)} [${scope}] ${msg}\n`);
  };
  return {
    debug: (m) => write('debug', m),
    info: (m) => write('info', m),
    warn: (m) => write('warn', m),
    error: (m) => write('error', m),
    child: (s) => createLogger(`${scope}:${s}`, min),
  };
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};
