import type { Contender } from './contenders.js';

/** One pass/fail line against a target. */
export interface Verdict {
  readonly pass: boolean;
  readonly text: string;
}

/** What a scenario prints: a markdown table, notes under it and its verdicts. */
export interface ScenarioReport {
  readonly title: string;
  readonly table: string;
  readonly notes: readonly string[];
  readonly verdicts: readonly Verdict[];
}

/** A peer's figure for one scenario (lower is better); `NaN` when it does not apply. */
export interface PeerFigure {
  readonly name: string;
  readonly value: number;
}

/** Options of `compareWithPeers`. */
export interface PeerComparison {
  /** What is compared, e.g. `uncontended execute`. */
  label: string;
  /** Our figure (lower is better). */
  ours: number;
  peers: readonly PeerFigure[];
  /** Word for "lower is better", e.g. `faster` or `leaner`. */
  better: string;
}

/** PASS when our figure is lower than every applicable peer's, naming the closest peer or the winners. */
export function compareWithPeers(comparison: PeerComparison): Verdict {
  const applicable = comparison.peers.filter((peer) => !Number.isNaN(peer.value));
  if (applicable.length === 0) return { pass: true, text: `${comparison.label}: no peer applies` };
  const ratioOf = (peer: PeerFigure): string => `${(peer.value / comparison.ours).toFixed(2)}× our figure`;
  const winners = applicable.filter((peer) => peer.value <= comparison.ours);
  if (winners.length > 0) {
    const list = winners.map((peer) => `${peer.name} (${ratioOf(peer)})`).join(', ');
    return {
      pass: false,
      text: `${comparison.label}: NOT ${comparison.better} than every peer, beaten by ${list}`,
    };
  }
  const closest = applicable.reduce((best, peer) => (peer.value < best.value ? peer : best));
  return {
    pass: true,
    text: `${comparison.label}: ${comparison.better} than every peer (closest: ${closest.name} at ${ratioOf(closest)})`,
  };
}

/** Renders a verdict as one markdown line. */
export function formatVerdict(verdict: Verdict): string {
  return `- **${verdict.pass ? 'PASS' : 'FAIL'}** ${verdict.text}`;
}

/** Renders a whole scenario section. */
export function formatScenario(report: ScenarioReport): string {
  const notes = report.notes.map((note) => `> ${note}`);
  return [
    `### ${report.title}`,
    '',
    report.table,
    ...(notes.length > 0 ? ['', ...notes] : []),
    '',
    ...report.verdicts.map(formatVerdict),
  ].join('\n');
}

/** The figures of the peers among `contenders` (`values` in the same order). */
export function peerFigures(contenders: readonly Contender[], values: readonly number[]): PeerFigure[] {
  const figures: PeerFigure[] = [];
  for (const [index, contender] of contenders.entries()) {
    if (contender.kind === 'peer') figures.push({ name: contender.name, value: values[index] ?? Number.NaN });
  }
  return figures;
}

/** The figure of our contender among `contenders` (`values` in the same order). */
export function oursFigure(contenders: readonly Contender[], values: readonly number[]): number {
  return values[contenders.findIndex((contender) => contender.kind === 'ours')] ?? Number.NaN;
}
