// What the rest of the renderer mounts: a VM's consoles (tabs), a host's
// shell, the console route page and the quick-console palette.
export { ConsolePanel, HostShellPanel } from './ConsolePanel';
export { ConsoleButtons, HostShellButton } from './ConsoleButtons';
export { ConsoleWindow } from './ConsoleWindow';
export { QuickConsole, useQuickConsole } from './QuickConsole';
export { HostShell } from './HostShell';
export { SerialConsole } from './SerialConsole';
export { VncConsole } from './VncConsole';
export { openConsole, useConsoleRoute, type ConsoleRoute } from './route';
