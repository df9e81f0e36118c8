import { mount } from 'svelte';
import '../../app.css';
import NetworkDiagram from './NetworkDiagram.svg.svelte';
import { sampleId, sampleSnapshot } from './sampleSnapshot';

/**
 * The entry of web/network-bench.html (not part of the app's build): the
 * network diagram over a sample host of `?containers=` containers on
 * `?bridges=` bridges (`?select=N`: the Nth container selected), for
 * test/bench/networkBench.ts to count frames.
 */
const params = new URLSearchParams(location.search);
const snapshot = sampleSnapshot({
  containers: Number(params.get('containers') ?? 200),
  bridges: Number(params.get('bridges') ?? 3),
  published: Number(params.get('published') ?? 12),
});
mount(NetworkDiagram, { target: document.getElementById('app')!, props: { snapshot, selectedId: params.has('select') ? sampleId(Number(params.get('select'))) : null, onselect: () => {} } });
