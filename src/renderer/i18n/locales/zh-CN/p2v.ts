export default {
  title: '物理机转虚拟机',
  sub: '将运行中或从救援系统启动的 Linux 机器复制为虚拟机：通过 SSH 只读读取其磁盘，并在两端用 SHA-256 校验。',
  steps: '步骤',
  step: { source: '源机器', discovery: '发现', consistency: '一致性', target: '目标', review: '检查', run: '复制' },
};
