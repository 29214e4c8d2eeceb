import type { SourceRegistry } from '../../sources/registry';
import type { P2vService } from '../../wizards/p2v';
import type { Handlers } from '../registry';

type SourceCalls = 'sources.list' | 'sources.add' | 'sources.remove' | 'sources.connect' | 'sources.disconnect' | 'sources.discover';

/** Thin: the contract parsed the input; SourceRegistry and P2vService own the logic. */
export function sourceHandlers(sources: SourceRegistry): Pick<Handlers, SourceCalls> {
  return {
    'sources.list': () => sources.list(),
    'sources.add': (draft) => sources.add(draft),
    'sources.remove': ({ sourceId }) => sources.remove(sourceId),
    'sources.connect': ({ sourceId }) => sources.connect(sourceId),
    'sources.disconnect': ({ sourceId }) => sources.disconnect(sourceId),
    'sources.discover': ({ sourceId }) => sources.discover(sourceId),
  };
}

export function p2vHandlers(p2v: P2vService): Pick<Handlers, 'p2v.getTarget' | 'p2v.start'> {
  return {
    'p2v.getTarget': ({ hostId }) => p2v.getTarget(hostId),
    'p2v.start': (req, ctx) => p2v.start(req, ctx.principal?.user),
  };
}
