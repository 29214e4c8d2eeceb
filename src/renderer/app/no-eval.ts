import { z } from 'zod';

// The page's CSP has no 'unsafe-eval'. zod probes for eval (new Function) on
// its first object parse to decide whether to compile fast parsers; the probe
// is caught, but the browser still reports it as a CSP violation. jitless
// skips the probe: same results, no false alarm in the console or in tests.
z.config({ jitless: true });
