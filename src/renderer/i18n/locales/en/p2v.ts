// Physical-to-virtual wizard.
export default {
  title: 'Physical to virtual',
  sub: 'Copy a running or rescue-booted Linux machine into a VM: its disks are read over SSH, never written, and checked by SHA-256 on both sides.',
  steps: 'Steps',
  step: { source: 'Source', discovery: 'Discovery', consistency: 'Consistency', target: 'Target', review: 'Review', run: 'Copy' },
};
