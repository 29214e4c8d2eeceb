export default {
  label: '主机和虚拟机',
  ungrouped: '未分组',
  vmCount_other: '{{n}} 台虚拟机',
  keyChanged: '主机密钥已变更：连接被拒绝。这可能意味着有人在拦截连接。请向主机管理员核实密钥，然后更新 known_hosts。',
  keyRefused: '{{where}} 的主机密钥（{{kind}}）：连接被拒绝。对方提供的是 {{offered}}。',
  keyChangedReason: '主机密钥已变更：{{reason}}',
  loadingVms: '正在加载虚拟机…',
  listError: '无法列出虚拟机：{{message}}',
  noVms: '没有虚拟机',
  placeholder: '筛选   tag:web  state:running  ip:10.0',
  filterLabel: '筛选主机和虚拟机',
  help: '筛选：关键词匹配名称、标签、状态、IP 或主机。条件：tag:web state:running ip:10.0 host:kvm1 name:db。可组合多个条件；-tag:x 表示排除；state:running,paused 表示任一状态。',
};
