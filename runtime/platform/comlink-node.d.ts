// comlink ships its Node adapter only as a deep import with a .d.ts next to the .mjs; this tells tsc about it.
declare module 'comlink/dist/esm/node-adapter.mjs' {
  export * from 'comlink/dist/esm/node-adapter';
  export { default } from 'comlink/dist/esm/node-adapter';
}
