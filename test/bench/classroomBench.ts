import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startClassroom } from '../../backends/classroom/server';
import { connectTeacher, joinStudent } from '../classroom/clients';
import { summarize, type Stats } from './stats';

export interface ClassroomBenchResult {
  students: number;
  events: number;
  /** From a student's send to the teacher's socket receiving that student's update, in ms. */
  latency: Stats;
}

/**
 * 100 students (Node WebSocket clients over loopback) each report progress a
 * few times, at a classroom's pace spread over a few seconds, while one
 * teacher socket listens; the latency of each event is measured from the
 * student's send to the teacher's receipt. Progress goes to a real SQLite
 * file as in a class (rewritten at most once a second, off the relay's path).
 */
export async function benchClassroom(students = 100, eventsEach = 10, spreadMs = 3000): Promise<ClassroomBenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'gb-classroom-bench-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html>');
  const room = await startClassroom({ staticDir: dir, dbPath: join(dir, 'bench.sqlite'), saveDelayMs: 1000 });
  try {
    const teacher = await connectTeacher(room.port, room.token);
    const clients = [];
    for (let i = 0; i < students; i++) clients.push(await joinStudent(room.port, room.code, `student ${i + 1}`));
    const sentAt = new Map<string, number>();
    const times: number[] = [];
    let expected = 0;
    let resolveAll!: () => void;
    const all = new Promise<void>((r) => (resolveAll = r));
    teacher.ws.on('message', (data) => {
      const msg = JSON.parse(data.toString());
      if (msg.type !== 'student' || !msg.student.progress) return;
      const key = `${msg.student.name}#${msg.student.progress.at}`;
      const t0 = sentAt.get(key);
      if (t0 === undefined) return;
      sentAt.delete(key);
      times.push(performance.now() - t0);
      if (times.length === expected) resolveAll();
    });
    const sends: Promise<void>[] = [];
    for (const [i, c] of clients.entries()) {
      for (let e = 0; e < eventsEach; e++) {
        expected++;
        const delay = Math.random() * spreadMs;
        sends.push(
          new Promise((resolve) =>
            setTimeout(() => {
              // `at` doubles as the event's id: unique per student.
              const at = Date.now() * 1000 + e;
              sentAt.set(`student ${i + 1}#${at}`, performance.now());
              c.send({ type: 'progress', lesson: 'lifecycle', step: 'run', stepIndex: e % 5, passed: e % 2 === 0, failing: e % 2 ? 'no container named web is running' : null, at });
              resolve();
            }, delay),
          ),
        );
      }
    }
    await Promise.all(sends);
    await Promise.race([all, new Promise((_, reject) => setTimeout(() => reject(new Error(`only ${times.length} of ${expected} updates reached the teacher`)), 30_000))]);
    for (const c of [...clients, teacher]) c.ws.close();
    return { students, events: times.length, latency: summarize(times) };
  } finally {
    await room.close();
    await rm(dir, { recursive: true, force: true });
  }
}
