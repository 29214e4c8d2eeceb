import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { ApiError } from './api';
import { startEventBridge } from './event-bridge';
import { useUi } from './ui-store';

function makeClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // State is pushed: refetching on focus would only add load on hosts.
        refetchOnWindowFocus: false,
        staleTime: 30_000,
        retry: (n, e) => !(e instanceof ApiError && ['VALIDATION', 'NOT_FOUND', 'UNSUPPORTED', 'NOT_CONNECTED'].includes(e.code)) && n < 2,
      },
    },
  });
}

function ThemeSync() {
  const theme = useUi((s) => s.theme);
  useEffect(() => {
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    const apply = () => {
      const dark = theme === 'dark' || (theme === 'system' && mq.matches);
      document.documentElement.dataset.theme = dark ? 'dark' : 'light';
    };
    apply();
    mq.addEventListener('change', apply);
    return () => mq.removeEventListener('change', apply);
  }, [theme]);
  return null;
}

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(makeClient);
  useEffect(() => startEventBridge(client), [client]);
  return (
    <QueryClientProvider client={client}>
      <ThemeSync />
      {children}
    </QueryClientProvider>
  );
}
