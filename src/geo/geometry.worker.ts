/** The worker thread of the geometric checks (geometry.checks.ts): nothing here touches the database. */
import { serveTasks } from '../core/off-thread.js';
import { validateArea } from './geometry.js';
import { checkGridSet } from './grid-rules.js';
import type { GridSetInput } from './geometry.checks.js';

serveTasks({
  validateAreas: (geometries: unknown[]) => geometries.map(validateArea),
  checkGridSet: ({ grids, communities, neighbours }: GridSetInput, progress) => [...checkGridSet(grids, new Map(communities), neighbours, progress)],
});
