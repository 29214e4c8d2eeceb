// The task drawer and its status-bar button.
export default {
  title: 'Tasks',
  running_one: '{{n}} task running',
  running_other: '{{n}} tasks running',
  failedTip: '{{n}} failed in the last 10 minutes',
  failed: '{{n}} failed',
  clearFinished: 'Clear finished',
  close: 'Close tasks',
  loading: 'Loading tasks…',
  loadError: 'Could not load tasks',
  none: 'No tasks yet',
  noneHint: 'Uploads, clones and other long work show here with their progress, and stay as history after they end.',
};
