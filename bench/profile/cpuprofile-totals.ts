/**
 * `node -r @swc-node/register bench/profile/cpuprofile-totals.ts DIR...`: for each .cpuprofile
 * written by `node --cpu-prof` (one per thread), the busy time and the inclusive time of the
 * frames that tell a workflow thread's story: whole activations, the SDK's promise hook (it
 * records a stack trace for every promise a workflow creates), the interpreter's `launch`, and GC.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const FRAMES: Array<[string, (node: ProfileNode) => boolean]> = [
  ['activations', (n) => n.callFrame.functionName === 'activate' && n.callFrame.url.endsWith('vm-shared.js')],
  ['promise hook', (n) => n.callFrame.functionName === 'init' && n.callFrame.url.endsWith('vm-shared.js')],
  ['interpreter launch', (n) => n.callFrame.functionName === 'launch' && n.callFrame.url.includes('workflow-bundle')],
  ['interpreter flushProgress', (n) => n.callFrame.functionName === 'flushProgress'],
  ['garbage collector', (n) => n.callFrame.functionName === '(garbage collector)'],
];

/** Milliseconds: busy (not idle) and, per frame of interest, inclusive (each sample counted once). */
export function totals(profile: Profile): Record<string, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const result: Record<string, number> = { busy: 0 };
  for (const [name] of FRAMES) result[name] = 0;
  profile.samples.forEach((sample, i) => {
    const micros = profile.timeDeltas[i] ?? 0;
    if (byId.get(sample)?.callFrame.functionName === '(idle)') return;
    result.busy += micros;
    const hit = new Set<string>();
    for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
      const node = byId.get(id)!;
      for (const [name, matches] of FRAMES) if (!hit.has(name) && matches(node)) hit.add(name);
    }
    for (const name of hit) result[name] += micros;
  });
  for (const key of Object.keys(result)) result[key] = Math.round(result[key] / 1000);
  return result;
}

if (require.main === module) {
  for (const dir of process.argv.slice(2)) {
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'))) {
      const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
      console.log(`${join(dir, file)}: ${JSON.stringify(totals(profile))}`);
    }
  }
}
