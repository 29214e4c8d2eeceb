// VS Code's Disposable discipline: everything that subscribes, polls or opens
// returns a disposer, and owners collect them so nothing outlives its owner.
export type Dispose = () => void;

export class DisposableStore {
  private items = new Set<Dispose>();
  private disposed = false;

  add(d: Dispose): Dispose {
    if (this.disposed) {
      d();
      return () => {};
    }
    this.items.add(d);
    return () => {
      if (this.items.delete(d)) d();
    };
  }

  get size(): number {
    return this.items.size;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const all = [...this.items].reverse();
    this.items.clear();
    for (const d of all) {
      try {
        d();
      } catch {
        // One failing disposer must not keep the rest alive.
      }
    }
  }
}
