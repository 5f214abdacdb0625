import type { AdminUnitNode } from './api';

/** The areas of a tree as select options, each indented under its parent. */
export function areaOptions(nodes: readonly AdminUnitNode[], depth = 0): { value: string; label: string }[] {
  return nodes.flatMap((n) => [{ value: String(n.id), label: `${'\u3000'.repeat(depth)}${n.name}` }, ...areaOptions(n.children, depth + 1)]);
}
