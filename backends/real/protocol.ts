import { z } from 'zod';
import type { BackendEvent, Capabilities, TimelineLine } from '../../core/backend';
import type { HostDirListing, LayerEntry, Snapshot } from '../../core/model';
import { HOST_DIR_MAX_PATH } from '../../core/engine/hostDir';

/**
 * The wire protocol between the agent (backends/agent) and its browser client
 * (backends/real): JSON text frames over one WebSocket at `/ws`, subprotocol
 * `glassbox.v1`. Both ends validate what they receive with these schemas; the
 * agent treats every frame as hostile until it parses.
 *
 * Authentication happens on the upgrade, before any frame: the per-start token
 * is offered as a second subprotocol `glassbox.token.<hex>` (or `?token=<hex>`
 * in the URL), and Host/Origin must be the agent's own loopback origin.
 *
 * client → agent
 *   {type:'exec', id, line, tty?}  run one terminal line in this connection's host shell;
 *                                  one line at a time (a second one while busy gets an error).
 *                                  tty {cols, rows}: the line runs at an interactive terminal of
 *                                  that size, so a docker client whose stdin, stdout and stderr
 *                                  are the terminal runs on a pseudo-terminal of its own
 *   {type:'input', id, data}       keystrokes for the running line with that id, while it reads
 *                                  the terminal (after 'raw' on); refused otherwise
 *   {type:'resize', id, cols, rows} the terminal of the running tty line with that id changed size
 *   {type:'interrupt'}             Ctrl-C for the running line (SIGINT to the docker child)
 *   {type:'snapshot', id}          → result: Snapshot
 *   {type:'capabilities', id}      → result: Capabilities
 *   {type:'layers', id, layerIds}  → result: Record<layer id, LayerEntry[]> for the named layers the
 *                                  agent knows (unknown ones are left out); ids only, never paths
 *   {type:'reset', id}             forget this session's shell state (never touches containers) → result: null
 *   {type:'reset', id, lesson: {suffix}}  also remove what this student's lesson made: every container,
 *                                  network, volume and image whose name ends "-<suffix>", and the
 *                                  containers this session's lines made → result: string[] ("kind name")
 *   {type:'trace', id, on}         turn the kernel trace on or off (capabilities.trace) → result: boolean (now on)
 *   {type:'hostdir', id, path}     list a host directory read-only → result: HostDirListing; only under the
 *                                  engine's data root or a running container's bind source (issue 11)
 *   {type:'history', id, key}      issue 14: this connection's lines are recorded in (and read from) the
 *                                  history under `key` (32 hex digits the page made and keeps), so a
 *                                  reload or a second tab finds it again → result: null. Without it a
 *                                  connection's history is its own and ends with it. A plain 'reset'
 *                                  clears it.
 *   {type:'lines', id}             → result: {lineNo, line, exit}[], the recorded lines, oldest first
 *                                  (the last RECORDED_LINES; numbers are never reused)
 *   {type:'moment', id, lineNo}    → result: Snapshot | null, the engine right after that line (read-only)
 *   {type:'momentLayers', id, lineNo, layerIds}  → result: Record<layer id, LayerEntry[]> at that moment:
 *                                  containers' layers as recorded, image layers as now; unknown ones left out
 *
 * agent → client
 *   {type:'stdout'|'stderr', id, text}   output of the exec with that id
 *   {type:'screen', id, text}            output of the exec's pseudo-terminal, line ends already the
 *                                        terminal driver's: written to the screen unchanged
 *   {type:'exit', id, code}              the exec with that id finished
 *   {type:'raw', id, on}                 the exec with that id starts (true) or stops reading the
 *                                        terminal's keystrokes itself: send them as 'input'
 *   {type:'result', id, value}           answer to snapshot/capabilities/reset
 *   {type:'event', event}                a BackendEvent ('snapshot', 'docker' or 'trace'); the agent sends a
 *                                        'snapshot' event with no transitions right after the upgrade
 *   {type:'error', id?, message}         a refused or failed request (id when it had one)
 *
 * Objects are strict: unknown types, extra fields or wrong types are refused
 * with an `error` frame and the connection stays open.
 */

export const SUBPROTOCOL = 'glassbox.v1';
export const TOKEN_PROTOCOL_PREFIX = 'glassbox.token.';
/** The WebSocket path on the agent. */
export const WS_PATH = '/ws';
/** Largest frame either side accepts. */
export const MAX_MESSAGE_BYTES = 64 * 1024;
/** Longest terminal line the agent runs. */
export const MAX_LINE_LENGTH = 8 * 1024;

const id = z.string().min(1).max(64);

/** Keystrokes one input frame may carry (a paste is sent in pieces of this size). */
export const MAX_INPUT_LENGTH = 4 * 1024;
/** The largest terminal the agent sizes a pseudo-terminal to (cells; the kernel's winsize is 16-bit). */
export const MAX_TERMINAL_CELLS = 1000;
const cells = z.number().int().min(1).max(MAX_TERMINAL_CELLS);
const terminalSize = z.strictObject({ cols: cells, rows: cells });

/** Layers one request may name. */
export const MAX_LAYERS_PER_REQUEST = 128;
/** A LayerSnapshot id: an image layer's diff id, or an overlay2 directory id (init layers end in -init). */
export const layerIdSchema = z.string().regex(/^(sha256:[0-9a-f]{64}|[0-9a-f]{64}(-init)?)$/);

/** A history's key: 128 random bits the page made, in hex. */
export const historyKeySchema = z.string().regex(/^[0-9a-f]{32}$/);
/** Largest line number either side sends (a recorder counts from 0, a line at a time). */
export const MAX_LINE_NO = 2 ** 31 - 1;
const lineNo = z.number().int().min(0).max(MAX_LINE_NO);

export const clientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('exec'), id, line: z.string().max(MAX_LINE_LENGTH), tty: terminalSize.optional() }),
  z.strictObject({ type: z.literal('input'), id, data: z.string().min(1).max(MAX_INPUT_LENGTH) }),
  z.strictObject({ type: z.literal('resize'), id, cols: cells, rows: cells }),
  z.strictObject({ type: z.literal('interrupt') }),
  z.strictObject({ type: z.literal('snapshot'), id }),
  z.strictObject({ type: z.literal('capabilities'), id }),
  z.strictObject({ type: z.literal('layers'), id, layerIds: z.array(layerIdSchema).min(1).max(MAX_LAYERS_PER_REQUEST) }),
  z.strictObject({ type: z.literal('reset'), id, lesson: z.strictObject({ suffix: z.string().regex(/^[a-z0-9]{2,16}$/) }).optional() }),
  z.strictObject({ type: z.literal('trace'), id, on: z.boolean() }),
  z.strictObject({ type: z.literal('hostdir'), id, path: z.string().min(1).max(HOST_DIR_MAX_PATH) }),
  z.strictObject({ type: z.literal('history'), id, key: historyKeySchema }),
  z.strictObject({ type: z.literal('lines'), id }),
  z.strictObject({ type: z.literal('moment'), id, lineNo }),
  z.strictObject({ type: z.literal('momentLayers'), id, lineNo, layerIds: z.array(layerIdSchema).min(1).max(MAX_LAYERS_PER_REQUEST) }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

const containerState = z.enum(['created', 'running', 'paused', 'restarting', 'exited', 'removing', 'dead']);

// Snapshot fields are checked only as far as the client relies on them: model.ts
// grows fields over time and an older client must not refuse a newer agent.
const snapshotSchema = z.looseObject({
  kind: z.enum(['sim', 'real']),
  time: z.number(),
  containers: z.array(z.looseObject({ id: z.string(), name: z.string(), state: containerState })),
  images: z.array(z.looseObject({ id: z.string() })),
});

const transitionSchema = z.looseObject({
  containerId: z.string(),
  name: z.string(),
  from: containerState.nullable(),
  to: containerState.nullable(),
  action: z.string(),
  time: z.number(),
});

const dockerEventSchema = z.looseObject({
  type: z.enum(['container', 'image', 'network', 'volume']),
  action: z.string(),
  id: z.string(),
  attributes: z.record(z.string(), z.string()),
  time: z.number(),
});

const traceOpSchema = z.looseObject({
  seq: z.number(),
  time: z.number(),
  op: z.string(),
  args: z.record(z.string(), z.union([z.string(), z.number()])),
  actor: z.enum(['client', 'dockerd', 'containerd', 'shim', 'runc', 'container', 'kernel']),
  pid: z.number(),
});

const backendEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('snapshot'), snapshot: snapshotSchema, transitions: z.array(transitionSchema) }),
  z.strictObject({ type: z.literal('docker'), event: dockerEventSchema }),
  z.strictObject({ type: z.literal('trace'), ops: z.array(traceOpSchema) }),
]);

/** The answer to 'lines', checked by the client before the page numbers its history by it. */
export const recordedLinesSchema = z.array(z.looseObject({ lineNo, line: z.string(), exit: z.number().int() }));
/** The answer to 'moment'. */
export const momentSchema = snapshotSchema.nullable();

export const agentMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.enum(['stdout', 'stderr', 'screen']), id, text: z.string() }),
  z.strictObject({ type: z.literal('exit'), id, code: z.number().int() }),
  z.strictObject({ type: z.literal('raw'), id, on: z.boolean() }),
  z.strictObject({ type: z.literal('result'), id, value: z.unknown() }),
  z.strictObject({ type: z.literal('event'), event: backendEventSchema }),
  z.strictObject({ type: z.literal('error'), id: id.optional(), message: z.string() }),
]);

/** What the agent sends, typed by the model rather than by the (lenient) schema. */
export type AgentMessage =
  | { type: 'stdout' | 'stderr' | 'screen'; id: string; text: string }
  | { type: 'exit'; id: string; code: number }
  | { type: 'raw'; id: string; on: boolean }
  | { type: 'result'; id: string; value: Snapshot | Capabilities | Record<string, LayerEntry[]> | HostDirListing | TimelineLine[] | boolean | string[] | null }
  | { type: 'event'; event: Exclude<BackendEvent, { type: 'connection' }> }
  | { type: 'error'; id?: string; message: string };

/** A short, detail-free account of why a frame was refused. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : 'message'}: ${i.message}`)
    .join('; ');
}

/** Parses one text frame: JSON first, then the schema. */
export function parseFrame<T>(schema: z.ZodType<T>, text: string): { ok: true; value: T } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, message: 'invalid message: not JSON' };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, message: `invalid message: ${describeIssues(parsed.error)}` };
  return { ok: true, value: parsed.data };
}
