// Typed listener sets: every subscription returns its disposer, and a throwing
// listener never breaks the reader that delivers to it.
export class Listeners<M> {
  private readonly sets = new Map<keyof M, Set<(ev: never) => void>>();

  constructor(private readonly onError: (err: unknown) => void) {}

  on<K extends keyof M>(name: K, cb: (ev: M[K]) => void): () => void {
    let set = this.sets.get(name);
    if (!set) this.sets.set(name, (set = new Set()));
    const fn = cb as (ev: never) => void;
    set.add(fn);
    return () => {
      const s = this.sets.get(name);
      if (!s?.delete(fn)) return;
      if (s.size === 0) this.sets.delete(name);
    };
  }

  has(name: keyof M): boolean {
    return (this.sets.get(name)?.size ?? 0) > 0;
  }

  emit<K extends keyof M>(name: K, ev: M[K]): void {
    const set = this.sets.get(name);
    if (!set) return;
    for (const cb of [...set]) {
      try {
        cb(ev as never);
      } catch (e) {
        this.onError(e);
      }
    }
  }

  get size(): number {
    let n = 0;
    for (const s of this.sets.values()) n += s.size;
    return n;
  }

  clear(): void {
    this.sets.clear();
  }
}
