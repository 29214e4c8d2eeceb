export default {
  title: '任务',
  running_other: '{{n}} 个任务进行中',
  failedTip: '最近 10 分钟内有 {{n}} 个失败',
  failed: '{{n}} 个失败',
  clearFinished: '清除已完成',
  close: '关闭任务面板',
  loading: '正在加载任务…',
  loadError: '无法加载任务',
  none: '暂无任务',
  noneHint: '上传、克隆等耗时操作会在这里显示进度，结束后保留为历史记录。',
};
