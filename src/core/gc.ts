import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * A full garbage collection on request, for a long stream that makes garbage much faster than
 * it keeps anything (a million-case export): V8 lets such garbage reach several times the live
 * heap before it collects on its own, which is what a server's memory budget is spent on.
 * The collector is reached through a fresh context once the flag exposing it is set; where that
 * is not possible this does nothing.
 */
let collector: (() => void) | null | undefined;

export function collectGarbage(): void {
  if (collector === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      collector = vm.runInNewContext('gc') as () => void;
    } catch {
      collector = null;
    }
  }
  collector?.();
}
