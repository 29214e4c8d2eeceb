import type { TaskManager } from '../../tasks/manager';
import type { Handlers } from '../registry';

export function taskHandlers(tasks: TaskManager): Pick<Handlers, 'tasks.list' | 'tasks.get' | 'tasks.cancel' | 'tasks.clear'> {
  return {
    'tasks.list': (filter) => tasks.list(filter),
    'tasks.get': ({ taskId }) => tasks.get(taskId),
    'tasks.cancel': ({ taskId }) => tasks.cancel(taskId),
    'tasks.clear': ({ taskIds }) => ({ removed: tasks.clear(taskIds) }),
  };
}
