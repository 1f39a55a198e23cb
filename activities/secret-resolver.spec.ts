import { createScrubber, environmentSecretResolver, scrubValue } from './secret-resolver';

describe(createScrubber.name, () => {
  it('replaces the value and its base64, URL and JSON forms', () => {
    const scrub = createScrubber(['p@ss w"rd', 'no']);
    const b64 = Buffer.from('p@ss w"rd').toString('base64').replace(/=+$/, '');
    expect(scrub(`a p@ss w"rd b ${b64} c ${encodeURIComponent('p@ss w"rd')} d p@ss w\\"rd no`)).toBe(
      'a *** b *** c *** d *** no',
    );
  });

  it('scrubs every string and key of a JSON value', () => {
    const scrub = createScrubber(['s3cr3t']);
    expect(scrubValue({ out: ['x s3cr3t'], s3cr3t: 1, n: 2 }, scrub)).toEqual({ out: ['x ***'], '***': 1, n: 2 });
  });
});

describe(environmentSecretResolver.name, () => {
  it('reads SWITCHYARD_SECRET_<NAME> and leaves missing names out', async () => {
    const resolver = environmentSecretResolver({ SWITCHYARD_SECRET_TOKEN: 'abc' });
    expect([...(await resolver.resolve({ runId: 'r' }, ['TOKEN', 'NOPE']))]).toEqual([['TOKEN', 'abc']]);
  });
});
