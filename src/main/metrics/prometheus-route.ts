import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MetricsService } from './service';

/** HttpFront route for `virtdeck serve --metrics`: the newest values of every host and VM. */
export function prometheusRoute(metrics: Pick<MetricsService, 'prometheus'>) {
  return (_req: IncomingMessage, res: ServerResponse, url: URL): boolean => {
    if (url.pathname !== '/metrics') return false;
    const body = metrics.prometheus();
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(body);
    return true;
  };
}
