// Safe editing of libvirt domain XML as a DOM (see xml-dom.ts for why).
export * from './xml-dom';
export * from './read-settings';
export * from './edit-machine';
export * from './edit-devices';
export * from './pending';
export * from './canonical';
