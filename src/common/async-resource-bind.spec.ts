import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { installFastAsyncResourceBind, uninstallFastAsyncResourceBind } from './async-resource-bind';

describe('fast AsyncResource.bind (Node 20)', () => {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept only to compare by identity, never called
  const nodeBind = AsyncResource.bind;
  beforeAll(() => installFastAsyncResourceBind());
  afterAll(() => uninstallFastAsyncResourceBind());

  it('is installed on Node 20 and removed again by uninstall', () => {
    const isNode20 = process.versions.node.startsWith('20.');
    expect(AsyncResource.bind !== nodeBind).toBe(isNode20);
  });

  it('runs the bound function in the async context of the bind() call, as Node does', async () => {
    const storage = new AsyncLocalStorage<string>();
    const bound = storage.run('at bind', () => AsyncResource.bind(() => storage.getStore()));
    expect(bound()).toBe('at bind');
    await storage.run('caller', async () => {
      await Promise.resolve();
      expect(bound()).toBe('at bind');
      expect(storage.getStore()).toBe('caller');
    });
    // A context entered inside the bound function stays inside it.
    const nested = storage.run('outer', () => AsyncResource.bind(() => storage.run('inner', () => storage.getStore())));
    expect(nested()).toBe('inner');
  });

  it('passes arguments, returns the result, rethrows, and keeps thisArg or the call-site this', () => {
    const add = AsyncResource.bind((a: number, b: number) => a + b);
    expect(add(2, 3)).toBe(5);
    const fails = AsyncResource.bind(() => {
      throw new Error('boom');
    });
    expect(() => fails()).toThrow('boom');
    const self = { name: 'self' };
    const readName = function (this: unknown): string {
      return (this as { name: string }).name;
    };
    const withThis = AsyncResource.bind(readName, 'T', self);
    expect(withThis()).toBe('self');
    const callSite = { name: 'call site', read: AsyncResource.bind(readName) };
    expect(callSite.read()).toBe('call site');
  });
});
