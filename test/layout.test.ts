// The code's layout, held to the rule the folders' headers state: each room (a top-level folder,
// or a folder of common/) imports only rooms below it, and no files import each other in a circle.
// Read from the sources' own import lines, so a new import that breaks the rule fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** What each top-level room may import (besides itself): the floors of the house, top down. */
const ALLOWED: Record<string, readonly string[]> = {
  api: ['launcher', 'coordinator', 'trainer', 'worker', 'monitor', 'demo', 'common', 'proto'],
  cli: ['bench', 'launcher', 'coordinator', 'trainer', 'worker', 'monitor', 'demo', 'common', 'proto'],
  bench: ['launcher', 'coordinator', 'trainer', 'worker', 'monitor', 'demo', 'common', 'proto'],
  launcher: ['coordinator', 'monitor', 'common', 'proto'],
  coordinator: ['monitor', 'common', 'proto'],
  trainer: ['monitor', 'common', 'proto'],
  worker: ['common', 'proto'],
  monitor: ['common', 'proto'],
  demo: ['common'],
  common: ['proto'],
  proto: [],
};

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The repository-relative files a source imports by relative path (static and dynamic imports). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'(\.{1,2}\/[^']+)'|import\('(\.{1,2}\/[^']+)'\)/g)) {
    const spec = m[1] ?? m[2]!;
    const target = normalize(join(dirname(file), spec));
    const ts = target.replace(/\.js$/, '.ts');
    const found = [ts, target].find((p) => existsSync(p));
    if (found) out.push(relative(root, found));
  }
  return out;
}

/** A file's room: its top-level folder, or common/<folder> (common/ for the files at its top). */
function roomOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'common') return parts.length > 2 ? `common/${parts[1]}` : 'common';
  return parts[0]!;
}

const files = Object.keys(ALLOWED)
  .filter((r) => existsSync(join(root, r)))
  .flatMap((r) => sources(join(root, r)))
  .map((f) => relative(root, f));
const graph = new Map(files.map((f) => [f, importsOf(join(root, f))]));

/** The strongly connected components with more than one node (or a self-edge): Tarjan's algorithm. */
function circles(edges: Map<string, readonly string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1 || (edges.get(v) ?? []).includes(v)) out.push(c.sort());
    }
  };
  for (const v of edges.keys()) if (!idx.has(v)) visit(v);
  return out;
}

test('layout - the sources are read: every room has files, and imports resolve to them', () => {
  assert.ok(files.length > 100, `${files.length} source files`);
  for (const room of ['cli', 'bench', 'launcher', 'coordinator', 'trainer', 'worker', 'monitor', 'demo', 'common/train', 'common/wire']) {
    assert.ok(
      files.some((f) => roomOf(f) === room),
      room,
    );
  }
  assert.ok(graph.get('worker/worker.ts')!.includes('worker/session.ts'), 'worker.ts imports session.ts');
});

test('layout - each top-level room imports only the rooms below it', () => {
  const wrong: string[] = [];
  for (const [file, targets] of graph) {
    const from = file.split('/')[0]!;
    for (const t of targets) {
      const to = t.split('/')[0]!;
      if (to !== from && !ALLOWED[from]!.includes(to)) wrong.push(`${file} -> ${t}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('layout - no files import each other in a circle, and neither do the folders of common/', () => {
  assert.deepEqual(circles(graph), []);
  const rooms = new Map<string, string[]>();
  for (const [file, targets] of graph) {
    const from = roomOf(file);
    if (!from.startsWith('common')) continue;
    const list = rooms.get(from) ?? [];
    for (const t of targets) if (roomOf(t) !== from && roomOf(t).startsWith('common/')) list.push(roomOf(t));
    rooms.set(from, [...new Set(list)]);
  }
  assert.deepEqual(circles(rooms), []);
});

test('layout - the check can fail: a circle and an upward import are found', () => {
  assert.deepEqual(
    circles(
      new Map([
        ['a', ['b']],
        ['b', ['a']],
        ['c', ['a']],
      ]),
    ),
    [['a', 'b']],
  );
  assert.ok(!ALLOWED.common!.includes('coordinator') && !ALLOWED.worker!.includes('coordinator'), 'common and worker may not import the coordinator');
});
