import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TaskSummary } from '../../../shared/model/task';
import { request } from '../../app/api';

export const taskKeys = {
  all: () => ['tasks'] as const,
  list: () => ['tasks', 'list'] as const,
  detail: (taskId: string) => ['tasks', 'detail', taskId] as const,
};

/** Running tasks and recent history, kept live by `task.updated` (never polled). */
export const useTasks = () =>
  useQuery({ queryKey: taskKeys.list(), queryFn: () => request('tasks.list', { limit: 300 }), staleTime: Infinity });

/** One task's summary from the live list (undefined until it shows up there). */
export function useTaskSummary(taskId: string | undefined): TaskSummary | undefined {
  const { data } = useTasks();
  return taskId ? data?.find((t) => t.id === taskId) : undefined;
}

/** One task with its log; refetched whenever the list patch says it changed. */
export const useTask = (taskId: string, enabled = true) =>
  useQuery({ queryKey: taskKeys.detail(taskId), queryFn: () => request('tasks.get', { taskId }), enabled });

export function useCancelTask() {
  return useMutation({ mutationFn: (taskId: string) => request('tasks.cancel', { taskId }) });
}

export function useClearTasks() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (taskIds?: string[]) => request('tasks.clear', taskIds ? { taskIds } : {}),
    onSuccess: () => void qc.invalidateQueries({ queryKey: taskKeys.list() }),
  });
}
