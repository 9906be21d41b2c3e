/** The flags of `npm start`, read in-process (src/cli/mock-options.ts). */
import { describe, expect, it } from 'vitest';
import { FLAGS, helpText, parseMockArgs, UsageError } from '../../src/cli/mock-options.js';

const parse = (...argv: string[]) => parseMockArgs(argv, {}, '/work');

describe('parseMockArgs', () => {
  it('has a default for every option', () => {
    expect(parse()).toEqual({
      apiName: 'flashback',
      help: false,
      quiet: false,
      port: 4010,
      host: '127.0.0.1',
      seed: 42,
      users: 0,
      tokenTtlSeconds: 3600,
      stateFile: null,
      latency: null,
      errorRate: 0,
      corsOrigins: '*',
      controlPlane: true,
      readyFile: null,
    });
  });

  it('reads every flag', () => {
    expect(
      parse(
        '--api',
        'flashback',
        '--port',
        '0',
        '--host',
        '0.0.0.0',
        '--seed',
        '7',
        '--users',
        '25',
        '--token-ttl',
        '60',
        '--state-file',
        'data/state.json',
        '--latency',
        '5-50',
        '--error-rate',
        '0.25',
        '--cors-origin',
        'https://a.example, http://localhost:5173',
        '--no-control-plane',
        '--quiet',
        '--ready-file',
        'run/mock.json',
        '--control-token',
        'control-token-0123456789',
        '--signing-key',
        'signing-key-0123456789',
      ),
    ).toEqual({
      apiName: 'flashback',
      help: false,
      quiet: true,
      port: 0,
      host: '0.0.0.0',
      seed: 7,
      users: 25,
      tokenTtlSeconds: 60,
      stateFile: '/work/data/state.json',
      latency: { min: 5, max: 50 },
      errorRate: 0.25,
      corsOrigins: ['https://a.example', 'http://localhost:5173'],
      controlPlane: false,
      readyFile: '/work/run/mock.json',
      controlToken: 'control-token-0123456789',
      signingKey: 'signing-key-0123456789',
    });
  });

  it('reads the control token and the signing key from the environment, a flag winning over its variable', () => {
    const env = { ORG_CONTRACT_CONTROL_TOKEN: 'token-from-the-env-123', ORG_CONTRACT_SIGNING_KEY: 'key-from-the-env-12345' };
    expect(parseMockArgs([], env, '/work')).toMatchObject({ controlToken: 'token-from-the-env-123', signingKey: 'key-from-the-env-12345' });
    expect(parseMockArgs(['--signing-key', 'key-from-the-flag-1234'], env, '/work')).toMatchObject({ signingKey: 'key-from-the-flag-1234' });
    const unset = parseMockArgs([], { ORG_CONTRACT_CONTROL_TOKEN: '' }, '/work');
    expect(unset.controlToken).toBeUndefined();
    expect(unset.signingKey).toBeUndefined();
  });

  it.each([
    [['--control-token', 'short'], '--control-token needs a secret of at least 16 characters without spaces'],
    [['--signing-key', 'has a space in it, sadly'], '--signing-key needs a secret of at least 16 characters without spaces'],
  ])('refuses a weak secret: %j', (argv, message) => {
    expect(() => parse(...argv)).toThrow(new UsageError(message));
  });
  it('refuses a weak secret from the environment, naming the variable', () => {
    expect(() => parseMockArgs([], { ORG_CONTRACT_SIGNING_KEY: 'short' }, '/work')).toThrow(
      new UsageError('ORG_CONTRACT_SIGNING_KEY needs a secret of at least 16 characters without spaces'),
    );
  });

  it('reads --api tours and --rate-limit N/SECONDS or off', () => {
    expect(parse('--api', 'tours', '--rate-limit', '5/10')).toMatchObject({ apiName: 'tours', rateLimit: { limit: 5, windowSeconds: 10 } });
    expect(parse('--rate-limit', 'off').rateLimit).toBeNull();
    expect(parse().rateLimit).toBeUndefined();
  });

  it('takes --flag=value, a single latency and -h', () => {
    expect(parse('--port=5000', '--latency=30', '-h')).toMatchObject({ port: 5000, latency: { min: 30, max: 30 }, help: true });
  });

  it('takes the port from PORT, and --port over PORT', () => {
    expect(parseMockArgs([], { PORT: '5001' }).port).toBe(5001);
    expect(parseMockArgs(['--port', '5002'], { PORT: 'nonsense' }).port).toBe(5002);
    expect(() => parseMockArgs([], { PORT: 'nonsense' })).toThrow('PORT must be a whole number from 0 to 65535, got "nonsense"');
  });

  it.each([
    [['--bogus'], 'unknown option --bogus'],
    [['--prot', '80'], 'unknown option --prot (did you mean --port?)'],
    [['--stat-file', 'x'], 'unknown option --stat-file (did you mean --state-file?)'],
    [['--cors-origins', '*'], 'unknown option --cors-origins (did you mean --cors-origin?)'],
    [['--ready'], 'unknown option --ready (did you mean --ready-file?)'],
    [['-x'], 'unknown option -x'],
    [['positional'], 'unexpected argument positional: every option starts with --'],
    [['--port'], '--port needs a value'],
    [['--quiet=yes'], '--quiet takes no value'],
    [['--port', '65536'], '--port must be a whole number from 0 to 65535, got "65536"'],
    [['--port', '80.5'], '--port must be a whole number from 0 to 65535, got "80.5"'],
    [['--seed', '-1'], '--seed needs a value; write --seed=-... for one that starts with -'],
    [['--seed=-1'], '--seed must be a whole number from 0 to 4294967295, got "-1"'],
    [['--users', 'many'], '--users must be a whole number from 0 to 100000, got "many"'],
    [['--token-ttl', '0'], '--token-ttl must be a whole number from 1 to 315360000, got "0"'],
    [['--latency', '50-5'], '--latency must be MIN or MIN-MAX in milliseconds (0 to 600000, MIN <= MAX), got "50-5"'],
    [['--latency', 'fast'], '--latency must be MIN or MIN-MAX in milliseconds (0 to 600000, MIN <= MAX), got "fast"'],
    [['--error-rate', '1.5'], '--error-rate must be a number from 0 to 1, got "1.5"'],
    [['--error-rate=-0.1'], '--error-rate must be a number from 0 to 1, got "-0.1"'],
    [['--cors-origin', 'app.example.com'], '--cors-origin takes origins such as https://app.example.com (scheme and host, no path), got "app.example.com"'],
    [['--cors-origin', ','], '--cors-origin needs * or a comma-separated list of origins'],
    [['--state-file', ''], '--state-file needs a path'],
    [['--api', 'acme'], '--api must be one of flashback, tours, got "acme"'],
    [['--rate-limit', '100'], '--rate-limit must be N/SECONDS (N >= 1 requests per 1 to 86400 seconds) or off, got "100"'],
    [['--rate-limit', '0/60'], '--rate-limit must be N/SECONDS (N >= 1 requests per 1 to 86400 seconds) or off, got "0/60"'],
  ])('%j is a usage mistake: %s', (argv, message) => {
    let caught: unknown;
    try {
      parse(...argv);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as Error).message).toBe(message);
  });
});

describe('--help', () => {
  it('lists every flag', () => {
    const help = helpText();
    for (const flag of FLAGS) expect(help).toContain(`--${flag.name}`);
    for (const name of [
      'api',
      'rate-limit',
      'port',
      'host',
      'seed',
      'users',
      'token-ttl',
      'state-file',
      'latency',
      'error-rate',
      'cors-origin',
      'no-control-plane',
      'control-token',
      'signing-key',
      'quiet',
      'help',
    ]) {
      expect(help).toMatch(new RegExp(`^  --${name}\\b`, 'm'));
    }
    expect(help).toContain('ORG_CONTRACT_CONTROL_TOKEN');
    expect(help).toContain('ORG_CONTRACT_SIGNING_KEY');
  });
});
