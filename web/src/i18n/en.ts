/**
 * English UI strings. This dictionary defines the key set: every other
 * language must have exactly these keys (checked by the type of `Messages`).
 * `{name}` placeholders are filled by `format`.
 */
export const en = {
  'app.title': 'Glassbox',
  'app.tagline': 'Docker, seen from the inside',

  'backend.label': 'Backend',
  'backend.sim': 'Simulated',
  'backend.real': 'Real',
  'backend.sim.ready': 'simulated engine',
  'backend.sim.failed': 'the simulator did not start',
  'backend.real.connecting': 'connecting to the agent…',
  'backend.real.open': 'connected to the agent',
  'backend.real.closed': 'agent disconnected',
  'backend.real.unavailable': 'agent not running',
  'backend.real.help.title': 'Use a real Docker engine',
  'backend.real.help.body': 'The Real backend drives the Docker engine on your own Linux machine through the Glassbox agent. Start it in a terminal, then open the address it prints:',
  'backend.real.help.alt': 'or, in a checkout of Glassbox:',
  'backend.real.help.close': 'Close',
  'backend.switched': 'Switched to the {backend} backend.',

  'lang.label': 'Language',

  'terminal.label': 'Terminal',
  'terminal.welcome': 'Welcome to Glassbox. Type docker commands, e.g. {example}',
  'terminal.error': 'glassbox: the backend failed: {message}',
  'terminal.reset': 'The engine was reset: no containers, a fresh start.',

  'diagrams.label': 'Diagrams',
  'diagram.lifecycle': 'Lifecycle',
  'diagram.export': 'Export SVG',
  'diagram.lifecycle.title': 'Container lifecycle',
  'diagram.lifecycle.desc': 'The states a Docker container can be in and the commands and events that move it between them. Each container is drawn inside its current state.',
  'diagram.entry': 'docker create',
  'diagram.gone': 'removed',
  'diagram.more': '+{count} more',
  'diagram.empty': 'No containers yet. Try {example}',
  'diagram.stateSummary': '{state}: {count} containers',
  'diagram.chip': 'Container {name}, {state}',
  'diagram.last': 'Last move',
  'diagram.legend.command': 'docker command',
  'diagram.legend.event': 'engine event',
  'diagram.requests': 'Also accepted here (asks the process, no direct move): {list}',

  'state.created': 'created',
  'state.running': 'running',
  'state.paused': 'paused',
  'state.restarting': 'restarting',
  'state.exited': 'exited',
  'state.removing': 'removing',
  'state.dead': 'dead',

  'details.title': 'Selected container',
  'details.none': 'Click a container in the diagram, or name one in a command.',
  'details.name': 'Name',
  'details.id': 'ID',
  'details.image': 'Image',
  'details.state': 'State',
  'details.status': 'Status',
  'details.exitCode': 'Exit code',
  'details.pid': 'PID',
  'details.command': 'Command',
  'details.gone': '{name} has been removed.',

  'history.label': 'Command history',
  'history.empty': 'Commands you run appear here.',
  'history.exit': 'exit {code}',
  'history.running': 'running…',
  'history.failed': 'failed',
  'history.reset': 'Reset engine',
  'history.resetConfirm': 'Start over with a fresh engine? Every container will be gone.',
} as const;

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;
