import * as fs from 'fs';
import * as path from 'path';

import { anyOverlap, DEFAULT_METRICS, IPoint } from '../../graphview';
import { ArchitectureModel } from '../model';
import { architectureViewGraph } from '../viewdata';

const EXAMPLES = path.resolve(__dirname, '../../../examples');

describe('example architectures', () => {
  const files = fs.readdirSync(EXAMPLES).filter(f => f.endsWith('.arch.json'));

  it.each(files)('%s is saved laid out, layers apart', file => {
    const model = new ArchitectureModel();
    model.fromString(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));
    const graph = architectureViewGraph(model, null);
    // As drawn once checked: two more lines (output shape, parameters) per layer.
    const nodes = graph.nodes.map(n => ({
      ...n,
      details: [...(n.details ?? []), 'shape', 'params']
    }));
    const positions = new Map<string, IPoint>();
    for (const n of nodes) {
      if (n.position) {
        positions.set(n.id, n.position);
      }
    }
    const metrics = { ...DEFAULT_METRICS, nodeWidth: 200 };
    expect(anyOverlap(nodes, positions, metrics)).toBe(false);
    // Top to bottom: every edge goes down.
    for (const e of graph.edges) {
      const from = positions.get(e.source.node);
      const to = positions.get(e.target.node);
      if (from && to) {
        expect(to.y).toBeGreaterThan(from.y);
      }
    }
  });
});
