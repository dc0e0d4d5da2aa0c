export * from './resident';
export * from './tags';
export * from './changes';
export * from './access';
