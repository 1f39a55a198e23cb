import { BadUserInputError } from '../common/errors/app-errors';
import { checkCallbackUrl, downstreamOf } from './run-launcher.service';

describe(downstreamOf.name, () => {
  const edges = [
    { from: 'a', to: 'b' },
    { from: 'b', to: 'c' },
    { from: 'a', to: 'd' },
    { from: 'd', to: 'c' },
  ];

  it('is the chosen nodes and everything reachable from them', () => {
    expect([...downstreamOf({ edges }, ['b'])].sort()).toEqual(['b', 'c']);
    expect([...downstreamOf({ edges }, ['a'])].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect([...downstreamOf({ edges }, ['c'])]).toEqual(['c']);
  });

  it('is empty without chosen nodes, and copes with no edges', () => {
    expect(downstreamOf({ edges }, []).size).toBe(0);
    expect([...downstreamOf({}, ['x'])]).toEqual(['x']);
  });
});

describe(checkCallbackUrl.name, () => {
  it('accepts http and https URLs as given', () => {
    expect(checkCallbackUrl('https://hooks.example.com/a?b=1')).toBe('https://hooks.example.com/a?b=1');
    expect(checkCallbackUrl('http://127.0.0.1:8080/x')).toBe('http://127.0.0.1:8080/x');
  });

  it.each(['ftp://example.com', 'javascript:alert(1)', 'example.com/hook', '', `https://e.com/${'x'.repeat(2000)}`])(
    'refuses %j',
    (url) => {
      expect(() => checkCallbackUrl(url)).toThrow(BadUserInputError);
    },
  );
});
