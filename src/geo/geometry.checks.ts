import { offThread, workerFile, type Progress } from '../core/off-thread.js';
import type { Area } from './geometry.js';
import { UnreadableGeometry } from './geo.import.js';
import type { NeighbourGrid, ProposedGrid } from './grid-rules.js';

/**
 * The geometric checks of an import, on a worker thread: a city's grids take seconds to check
 * (topology of every ring, overlaps of every pair of neighbours), and every other request would
 * wait that long if they ran on the event loop.
 */
const checks = () => offThread(workerFile('geometry.worker', import.meta.url));

/** What checkGridSet takes, as it crosses to the worker. */
export interface GridSetInput {
  grids: ProposedGrid[];
  communities: [string, Area | null][];
  neighbours: NeighbourGrid[];
}

/** The validity problems of each geometry (none for a valid one), in order. */
export async function geometryProblems(geometries: unknown[]): Promise<string[][]> {
  const problems: string[][] = geometries.map((g) => (g === undefined || g === null ? ['has no geometry'] : g instanceof UnreadableGeometry ? [g.reason] : []));
  const readable = geometries.flatMap((g, i) => (problems[i].length === 0 ? [i] : []));
  if (readable.length === 0) return problems;
  const found = await checks().run<string[][]>('validateAreas', readable.map((i) => geometries[i]));
  readable.forEach((i, k) => { problems[i] = found[k]; });
  return problems;
}

/** The grid-set rules (grid-rules.ts: no gaps, no overlaps, inside the community), by proposed grid index. */
export async function gridSetProblems(
  grids: ProposedGrid[],
  communityBoundaries: Map<string, Area | null>,
  neighbours: NeighbourGrid[],
  onProgress?: Progress,
): Promise<Map<number, string[]>> {
  const input: GridSetInput = { grids, communities: [...communityBoundaries], neighbours };
  return new Map(await checks().run<[number, string[]][]>('checkGridSet', input, onProgress));
}
