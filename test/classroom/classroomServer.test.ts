import { request } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSqlJs, readDbFile } from '../../backends/classroom/dbFile';
import { EXPORT_PATH, type StudentRow, type ToTeacher } from '../../backends/classroom/protocol';
import { type RunningClassroom, startClassroom } from '../../backends/classroom/server';
import { ProgressStore } from '../../backends/classroom/store';
import { connectStudent, connectTeacher, joinStudent } from './clients';

/**
 * `glassbox classroom`'s server over loopback: three students join with the
 * code, the teacher's socket sees their progress as it happens and moves them
 * all to a step, and everything a stranger or a misbehaving student tries is
 * refused.
 */
const CODE = 'HJKMNP';
let dir: string;
let room: RunningClassroom;
const progress = (stepIndex: number, passed: boolean, failing: string | null = null) => ({
  type: 'progress',
  lesson: 'lifecycle',
  step: ['run', 'pause', 'unpause'][stepIndex] ?? 'rm',
  stepIndex,
  passed,
  failing,
  at: Date.now(),
});
const studentUpdate = (name: string, pred: (s: StudentRow) => boolean = () => true) => (m: ToTeacher) => m.type === 'student' && m.student.name === name && pred(m.student);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gb-classroom-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Glassbox</title>');
  room = await startClassroom({
    staticDir: dir,
    dbPath: join(dir, 'class.sqlite'),
    code: CODE,
    saveDelayMs: 10,
    limits: { studentBurst: 10, studentPerSecond: 1, failedUpgradeBurst: 4, failedUpgradesPerSecond: 0.01 },
  });
});

afterAll(async () => {
  await room?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('glassbox classroom', () => {
  it('prints a teacher URL with a long token and student URLs with the join code', () => {
    expect(room.teacherUrl).toBe(`http://127.0.0.1:${room.port}/?teacher=${room.token}`);
    expect(room.token).toMatch(/^[0-9a-f]{64}$/);
    expect(room.joinUrls).toEqual([`http://127.0.0.1:${room.port}/?join=${CODE}`]);
  });

  it('relays three students’ progress to the teacher live, moves them to a step, and exports it', async () => {
    const teacher = await connectTeacher(room.port, room.token);
    const roster = await teacher.next((m) => m.type === 'roster');
    expect(roster).toEqual({ type: 'roster', code: CODE, students: [] });

    const [ada, bo, cy] = await Promise.all(['Ada', 'Bo', '<b>Cy</b>'].map((n) => joinStudent(room.port, CODE.toLowerCase(), n)));
    for (const n of ['Ada', 'Bo', '<b>Cy</b>']) await teacher.next(studentUpdate(n, (s) => s.online && s.progress === null));

    ada!.send(progress(0, true));
    bo!.send(progress(1, false, 'the container "web" is not paused'));
    cy!.send(progress(2, true));
    const adaRow = await teacher.next(studentUpdate('Ada', (s) => s.progress !== null));
    expect(adaRow).toMatchObject({ student: { online: true, progress: { lesson: 'lifecycle', step: 'run', stepIndex: 0, passed: true, failing: null } } });
    const boRow = await teacher.next(studentUpdate('Bo', (s) => s.progress !== null));
    expect(boRow).toMatchObject({ student: { progress: { step: 'pause', passed: false, failing: 'the container "web" is not paused' } } });
    await teacher.next(studentUpdate('<b>Cy</b>', (s) => s.progress?.stepIndex === 2));

    // Students hear nothing of each other.
    expect([...ada!.received, ...bo!.received, ...cy!.received].map((m) => m.type)).toEqual(['welcome', 'welcome', 'welcome']);

    teacher.send({ type: 'goto', lesson: 'lifecycle', stepIndex: 2 });
    for (const s of [ada!, bo!, cy!]) expect(await s.next((m) => m.type === 'goto')).toEqual({ type: 'goto', lesson: 'lifecycle', stepIndex: 2 });

    // A second teacher page gets the whole class at once.
    const late = await connectTeacher(room.port, room.token);
    const full = await late.next((m) => m.type === 'roster');
    expect(full.type === 'roster' && full.students.map((s) => [s.name, s.progress?.stepIndex])).toEqual([
      ['Ada', 0],
      ['Bo', 1],
      ['<b>Cy</b>', 2],
    ]);

    bo!.ws.close();
    await teacher.next(studentUpdate('Bo', (s) => !s.online));

    const csv = await fetch(`http://127.0.0.1:${room.port}${EXPORT_PATH}`, { headers: { authorization: `Bearer ${room.token}` } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^class,code,student,lesson,step,step_number,passed,failing_check,/);
    expect(lines.slice(1).map((l) => l.split(',').slice(1, 7).join(','))).toEqual([`${CODE},Ada,lifecycle,run,1,yes`, `${CODE},Bo,lifecycle,pause,2,no`, `${CODE},<b>Cy</b>,lifecycle,unpause,3,yes`]);

    // The file on disk holds the same, written whole (no temporary files left beside it).
    await expect.poll(async () => {
      const bytes = await readDbFile(join(dir, 'class.sqlite'));
      return bytes ? ProgressStore.open(await loadSqlJs(), bytes).csv().trimEnd().split('\r\n').length : 0;
    }).toBe(4);
    for (const c of [ada!, cy!, teacher, late]) c.ws.close();
  });

  it('refuses the teacher socket and the export without the token, and any socket from a foreign page', async () => {
    await expect(connectTeacher(room.port, 'f'.repeat(64))).rejects.toThrow('HTTP 401');
    await expect(connectTeacher(room.port, room.token, 'http://evil.example')).rejects.toThrow('HTTP 403');
    await expect(connectStudent(room.port, CODE, 'http://evil.example')).rejects.toThrow('HTTP 403');
    expect((await fetch(`http://127.0.0.1:${room.port}${EXPORT_PATH}`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${room.port}${EXPORT_PATH}?teacher=${room.token}`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${room.port}${EXPORT_PATH}`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    // A rebinding DNS name points a page's own origin at this server: its Host header gives it away.
    const status = await new Promise<number | undefined>((resolve, reject) =>
      request({ host: '127.0.0.1', port: room.port, path: '/', headers: { host: `rebound.example:${room.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
        .on('error', reject)
        .end(),
    );
    expect(status).toBe(403);
  });

  it('refuses malformed, oversized, impersonating and early frames, and closes a flooding student', async () => {
    const s = await connectStudent(room.port, CODE);
    s.send(progress(0, true));
    expect(await s.next((m) => m.type === 'error')).toEqual({ type: 'error', message: 'say hello first' });
    s.send({ type: 'hello', key: 'x'.repeat(20), name: 'Dee' });
    await s.next((m) => m.type === 'welcome');
    s.send('{not json');
    s.send({ ...progress(0, true), student: 'Ada' });
    s.send({ type: 'goto', lesson: 'lifecycle', stepIndex: 0 });
    await expect.poll(() => s.received.filter((m) => m.type === 'error').map((m) => m.type === 'error' && m.message)).toEqual([
      'say hello first',
      'not JSON',
      expect.stringMatching(/unrecognized key|student/i),
      expect.stringMatching(/type|invalid/i),
    ]);
    // Burst of 10, 1 per second: the flood closes the socket with a policy violation.
    for (let i = 0; i < 20; i++) s.send(progress(0, false));
    expect(await s.closed).toEqual({ code: 1008, reason: 'too many messages' });

    const big = await connectStudent(room.port, CODE);
    big.send({ type: 'hello', key: 'y'.repeat(20), name: 'x'.repeat(5000) });
    expect((await big.closed).code).toBe(1009);
  });

  it('refuses a wrong join code, and an address that keeps guessing', async () => {
    await expect(connectStudent(room.port, 'ACDEFG')).rejects.toThrow('HTTP 403');
    await expect(connectStudent(room.port, '')).rejects.toThrow('HTTP 403');
    // Burst 4 (one used by the bad teacher token above, two just now): the next fails, then even the right code waits.
    await expect(connectStudent(room.port, 'ACDEFH')).rejects.toThrow(/HTTP (403|429)/);
    await expect(connectStudent(room.port, 'ACDEFJ')).rejects.toThrow(/HTTP (403|429)/);
    await expect(connectStudent(room.port, CODE)).rejects.toThrow('HTTP 429');
  });
});
