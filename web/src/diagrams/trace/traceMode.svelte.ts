/** How the Trace tab shows the trace; kept while the page runs, so it survives a switch to another tab and back. */
class TraceMode {
  mode = $state<'sequence' | 'table'>('sequence');
}

export const traceMode = new TraceMode();
