/**
 * The performance targets, judged from a run's figures (the throughput ones from the medians of the
 * rounds). A target whose figures are missing (a server left out with --only, a skipped section, a
 * tiny scale) is a SKIP, never a PASS.
 */
import type { BenchResults, TargetLine, TargetStatus } from './results.js';
import { isFailed, isSkipped } from './results.js';
import { span } from './stats.js';

export const TARGETS = {
  readsOverBare: 0.6,
  readsOverPrism: 4,
  startupMs: 500,
  scaleUsers: 100_000,
  scaleRssMb: 300,
  scaleListMs: 1_000,
} as const;

type Figures = Pick<BenchResults, 'throughput' | 'ratios' | 'startup' | 'scale'>;

export function judgeTargets(figures: Figures): TargetLine[] {
  return [...readTargets(figures), startupTarget(figures), ...scaleTargets(figures)];
}

function line(id: string, status: TargetStatus, text: string): TargetLine {
  return { id, status, text };
}

const pass = (ok: boolean): TargetStatus => (ok ? 'PASS' : 'MISS');
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const pct = (n: number): string => `${Math.round(n * 100)}%`;

/** "; rounds a–b" from the same ratio within each round, or '' with fewer than two rounds. */
function roundsText(perRound: readonly number[], format: (n: number) => string): string {
  const s = span(perRound);
  return s === null || perRound.length < 2 ? '' : `; rounds ${format(s.min)}–${format(s.max)}`;
}

/** Judged on the medians of the rounds; the per-round spread of each ratio is printed beside it. */
function readTargets({ throughput, ratios }: Figures): TargetLine[] {
  const out: TargetLine[] = [];
  const reads = ratios.filter((r) => throughput.some((t) => t.request === r.request && isRead(t.request)));
  for (const r of reads) {
    const rps = (server: string): number | undefined => throughput.find((t) => t.request === r.request && t.server === server)?.rps;
    const mock = rps('mock');
    const bare = rps('bare');
    const prism = rps('prism');
    const what = `reads ≥ ${pct(TARGETS.readsOverBare)} of bare: ${r.label}`;
    out.push(
      r.mockOverBare === null || mock === undefined || bare === undefined
        ? line(`bare:${r.request}`, 'SKIP', `${what} (needs mock and bare)`)
        : line(
            `bare:${r.request}`,
            pass(r.mockOverBare >= TARGETS.readsOverBare),
            `${what}: ${fmt(mock)} vs ${fmt(bare)} req/s (${pct(r.mockOverBare)}${roundsText(r.roundsOverBare, pct)})`,
          ),
    );
    // The same target from the servers' own CPU time per request: bare's ÷ the mock's.
    const cpu = (server: string): number | null | undefined => throughput.find((t) => t.request === r.request && t.server === server)?.cpuUsPerRequest;
    const mockCpu = cpu('mock');
    const bareCpu = cpu('bare');
    const whatCpu = `reads ≥ ${pct(TARGETS.readsOverBare)} of bare (CPU per request): ${r.label}`;
    out.push(
      r.cpuBareOverMock === null || mockCpu === null || mockCpu === undefined || bareCpu === null || bareCpu === undefined
        ? line(`bare-cpu:${r.request}`, 'SKIP', `${whatCpu} (needs mock and bare, and their CPU time from /proc)`)
        : line(
            `bare-cpu:${r.request}`,
            pass(r.cpuBareOverMock >= TARGETS.readsOverBare),
            `${whatCpu}: mock ${mockCpu.toFixed(1)} vs bare ${bareCpu.toFixed(1)} µs CPU/request (server-bound ratio ${pct(r.cpuBareOverMock)}${roundsText(r.roundsCpuBareOverMock, pct)})`,
          ),
    );
    const what2 = `reads ≥ ${TARGETS.readsOverPrism}× Prism: ${r.label}`;
    const times = (n: number): string => `${n.toFixed(1)}×`;
    out.push(
      r.mockOverPrism === null || mock === undefined || prism === undefined
        ? line(`prism:${r.request}`, 'SKIP', `${what2} (needs mock and prism)`)
        : line(
            `prism:${r.request}`,
            pass(r.mockOverPrism >= TARGETS.readsOverPrism),
            `${what2}: ${fmt(mock)} vs ${fmt(prism)} req/s (${times(r.mockOverPrism)}${roundsText(r.roundsOverPrism, times)})`,
          ),
    );
  }
  return out;
}

/** The reads the targets are about: Flashback's three, and the Tours & Events organization and members page. */
function isRead(id: string): boolean {
  return id === 'get-org' || id === 'list-users' || id === 'get-user' || id === 'tours-me' || id === 'tours-members';
}

function startupTarget({ startup }: Figures): TargetLine {
  const what = `start-up < ${TARGETS.startupMs / 1000} s`;
  if (isSkipped(startup) || isFailed(startup)) return line('startup', 'SKIP', `${what} (start-up not measured)`);
  const mock = startup.find((s) => s.server === 'mock');
  if (mock === undefined) return line('startup', 'SKIP', `${what} (the mock was not measured)`);
  return line('startup', pass(mock.medianMs < TARGETS.startupMs), `${what}: mock ${fmt(mock.medianMs)} ms (median of ${mock.runsMs.length})`);
}

function scaleTargets({ scale }: Figures): TargetLine[] {
  const rssWhat = `${fmt(TARGETS.scaleUsers)} users < ${TARGETS.scaleRssMb} MB RSS`;
  const listWhat = `${fmt(TARGETS.scaleUsers)} users listed < ${TARGETS.scaleListMs / 1000} s`;
  if (isSkipped(scale) || isFailed(scale)) {
    return [line('scale:rss', 'SKIP', `${rssWhat} (scale not measured)`), line('scale:list', 'SKIP', `${listWhat} (scale not measured)`)];
  }
  const small = scale.users < TARGETS.scaleUsers;
  const note = small ? ` (only ${fmt(scale.users)} users in this run)` : '';
  // Judged on the peak (VmHWM) up to the last listing, not on a reading that may follow a collection.
  const rss = scale.memoryAfterList?.hwmMb ?? Number.NaN;
  const rssLine = Number.isNaN(rss)
    ? line('scale:rss', 'SKIP', `${rssWhat} (no /proc to read)`)
    : line(
        'scale:rss',
        small ? 'SKIP' : pass(rss < TARGETS.scaleRssMb),
        `${rssWhat}: peak ${fmt(rss)} MB VmHWM (VmRSS after start ${fmt(scale.memoryAfterStart?.rssMb ?? NaN)}, after listing ${fmt(scale.memoryAfterList?.rssMb ?? NaN)})${note}`,
      );
  // Judged on the slowest listing, the first (it builds the list's cache), not on the median.
  const slowest = Math.max(...scale.listRunsMs);
  const listLine = line(
    'scale:list',
    small ? 'SKIP' : pass(slowest < TARGETS.scaleListMs),
    `${listWhat}: slowest ${fmt(slowest)} ms, median ${fmt(scale.listMedianMs)} ms (${scale.listRunsMs.length} listings, ${fmt(scale.listBytes / 1024)} KiB)${note}`,
  );
  return [rssLine, listLine];
}
