// First: configures libraries before anything else runs (CSP without eval).
import './app/no-eval';
// Then: the UI language, so the first frame renders in it.
import './i18n';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AccessGate } from './app/AccessGate';
import { App } from './app/App';
import { Providers } from './app/providers';
import './styles.css';
import './ui/ui.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Providers>
      <AccessGate>
        <App />
      </AccessGate>
    </Providers>
  </StrictMode>,
);
