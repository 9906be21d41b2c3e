/**
 * `npm start`: the mock server of the API `--api` names (Flashback by default). Flags: src/cli/mock-options.ts (`--help`).
 * A usage mistake, a busy port or an unusable state file is one line on stderr and exit code 2.
 */
import { rename, writeFile } from 'node:fs/promises';
import { SpecFileError } from '../contract/spec-snapshot.js';
import type { RunningServer } from '../server/index.js';
import { helpText, parseMockArgs, UsageError, type MockCliOptions } from './mock-options.js';
import { principalTable } from './principal-table.js';

const USAGE_EXIT = 2;

/** One line for a start-up failure the user can fix, or null for anything else. */
function startFailure(error: unknown, options: MockCliOptions, StateFileError: new (...args: never[]) => Error): string | null {
  if (error instanceof StateFileError) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${options.host}:${options.port}`;
  if (code === 'EADDRINUSE') return `port ${options.port} on ${options.host} is in use: stop what runs there, or pick another port with --port (or PORT)`;
  if (code === 'EACCES') return `no permission to listen on ${where}: pick a port above 1023 with --port`;
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `cannot listen on host ${options.host}: not an address of this machine; use --host 127.0.0.1 or 0.0.0.0`;
  }
  return null;
}

async function banner(server: RunningServer, options: MockCliOptions, title: string): Promise<string> {
  const lines = [`${title} mock listening on ${server.url}`];
  if (options.controlPlane) {
    lines.push(`Control plane: ${server.url}/__mock (health, reset, principals, outbox, state)`);
    const token = server.controlToken;
    if (token === null) {
      lines.push(`Dashboard: ${server.url}/__mock/   API docs: ${server.url}/__mock/docs`);
    } else {
      // Beyond the loopback (or with --control-token): /__mock needs the token; the link hands it to the dashboard.
      lines.push(`Control token: ${token}   (send Authorization: Bearer <token> to /__mock)`);
      lines.push(`Dashboard: ${server.url}/__mock/?token=${encodeURIComponent(token)}   API docs: ${server.url}/__mock/docs`);
    }
  }
  if (options.stateFile) lines.push(`State file: ${options.stateFile}`);
  lines.push('', `Seeded principals (seed ${options.seed}):`, principalTable(await server.api.principals(), server.api.credentialColumn), '');
  return lines.join('\n') + '\n';
}

/** Written whole (temporary file, then rename): a script polling for it never reads half a line. */
async function writeReadyFile(file: string, server: RunningServer): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  const ready = {
    url: server.url,
    port: Number(new URL(server.url).port),
    pid: process.pid,
    ...(server.controlToken === null ? {} : { controlToken: server.controlToken }),
  };
  // Only its owner reads it when it holds the control token.
  await writeFile(temporary, JSON.stringify(ready) + '\n', { mode: 0o600 });
  await rename(temporary, file);
}

/**
 * Under `npm start`, `kill <npm's pid>` (the usual `npm start & ... kill $!` of a CI script) stops
 * npm but not its child: the mock would go on answering with parent PID 1. So when npm started it,
 * the mock watches its parent and stops once that is gone (the parent PID changes to a reaper's).
 */
function endWithNpm(stop: () => void): void {
  if (process.env.npm_lifecycle_event === undefined) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      stop();
    }
  }, 250);
  timer.unref();
}

async function main(argv: readonly string[]): Promise<number> {
  let options: MockCliOptions;
  try {
    options = parseMockArgs(argv, process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`mock: ${error.message}. Run with --help to see the options.\n`);
    return USAGE_EXIT;
  }
  if (options.help) {
    process.stdout.write(helpText() + '\n');
    return 0;
  }

  const { apiName, readyFile, ...settings } = options;
  let server: RunningServer;
  let title: string;
  try {
    // The server (spec, validators, seed data) is loaded only now: --help and usage mistakes answer at once.
    const [{ startServer, StateFileError }, { API_DEFINITIONS }] = await Promise.all([import('../server/index.js'), import('../apis/index.js')]);
    const definition = API_DEFINITIONS[apiName];
    title = definition.title;
    try {
      server = await startServer({
        ...settings,
        definition,
        log: options.quiet ? null : (chunk) => void process.stdout.write(chunk),
      });
    } catch (error) {
      const line = startFailure(error, options, StateFileError);
      if (line === null) throw error;
      process.stderr.write(`mock: ${line}\n`);
      return USAGE_EXIT;
    }
  } catch (error) {
    if (!(error instanceof SpecFileError)) throw error;
    process.stderr.write(`mock: ${error.message}; fix the spec (npm run lint:spec lists every problem)\n`);
    return USAGE_EXIT;
  }
  if (!options.quiet) process.stdout.write(await banner(server, options, title));
  if (readyFile) await writeReadyFile(readyFile, server);

  // SIGINT/SIGTERM: stop accepting, finish what is in flight, flush state and log, exit 0.
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      void server.close().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    endWithNpm(stop);
  });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`mock: could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
