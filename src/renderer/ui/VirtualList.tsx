import { forwardRef, useCallback, useEffect, useImperativeHandle, useLayoutEffect, useRef, useState, type CSSProperties, type HTMLAttributes, type ReactNode } from 'react';

// A deliberately small windowing list: fixed row height, only the rows in view
// plus `overscan` are in the DOM. 2,000 VMs stay ~40 nodes, so scrolling and
// pushed state changes don't re-render the whole tree.

export interface VirtualListHandle {
  /** Brings a row into view with the least scrolling. */
  scrollToIndex(index: number): void;
  element(): HTMLDivElement | null;
}

interface Props extends Omit<HTMLAttributes<HTMLDivElement>, 'children'> {
  count: number;
  rowHeight: number;
  overscan?: number;
  /** Grow with the content up to this height, then scroll (for tables inside a page). */
  maxHeight?: number;
  renderRow(index: number, style: CSSProperties): ReactNode;
  /** Rendered above the rows inside the scroller, e.g. a sticky table header. */
  header?: ReactNode;
  headerHeight?: number;
  /**
   * A row kept in the DOM even when scrolled away: the tree's roving-tabindex
   * row, so Tab can always reach the tree and focus never lands on nothing.
   */
  pinnedIndex?: number;
}

// Before the first measure we don't know the viewport; assume a tall one
// rather than render nothing for a frame.
const FALLBACK_VIEWPORT = 900;

export const VirtualList = forwardRef<VirtualListHandle, Props>(function VirtualList(
  { count, rowHeight, overscan = 8, maxHeight, renderRow, header, headerHeight = 0, pinnedIndex, style, ...rest },
  ref,
) {
  const outer = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(0);

  useLayoutEffect(() => {
    const el = outer.current;
    if (!el) return;
    setViewport(el.clientHeight);
    const ro = new ResizeObserver(() => setViewport(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // When the list shrinks (a filter), the browser clamps scrollTop without a
  // scroll event in some cases; resync so we don't render an empty window.
  useEffect(() => {
    const el = outer.current;
    if (el && el.scrollTop !== scrollTop) setScrollTop(el.scrollTop);
  }, [count, scrollTop]);

  const scrollToIndex = useCallback(
    (index: number) => {
      const el = outer.current;
      if (!el) return;
      const top = headerHeight + index * rowHeight;
      const visible = el.clientHeight;
      if (top < el.scrollTop + headerHeight) el.scrollTop = top - headerHeight;
      else if (top + rowHeight > el.scrollTop + visible) el.scrollTop = top + rowHeight - visible;
    },
    [rowHeight, headerHeight],
  );
  useImperativeHandle(ref, () => ({ scrollToIndex, element: () => outer.current }), [scrollToIndex]);

  const view = viewport || FALLBACK_VIEWPORT;
  const bodyTop = Math.max(0, scrollTop - headerHeight);
  const first = Math.max(0, Math.floor(bodyTop / rowHeight) - overscan);
  const last = Math.min(count - 1, Math.ceil((bodyTop + view) / rowHeight) + overscan);
  const rows: ReactNode[] = [];
  const place = (i: number): CSSProperties => ({ position: 'absolute', top: i * rowHeight, left: 0, right: 0, height: rowHeight });
  if (pinnedIndex !== undefined && pinnedIndex >= 0 && pinnedIndex < first) rows.push(renderRow(pinnedIndex, place(pinnedIndex)));
  for (let i = first; i <= last; i++) rows.push(renderRow(i, place(i)));
  if (pinnedIndex !== undefined && pinnedIndex > last && pinnedIndex < count) rows.push(renderRow(pinnedIndex, place(pinnedIndex)));
  const total = count * rowHeight;
  const outerStyle: CSSProperties = {
    overflow: 'auto',
    position: 'relative',
    ...(maxHeight !== undefined ? { maxHeight, height: Math.min(maxHeight, total + headerHeight + 2) } : {}),
    ...style,
  };
  return (
    <div ref={outer} style={outerStyle} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} {...rest}>
      {header}
      <div style={{ position: 'relative', height: total }} role="presentation">
        {rows}
      </div>
    </div>
  );
});
