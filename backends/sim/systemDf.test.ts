/** docker system df -v's tables, built from their cells (core/cli/docker/systemDf.ts): the client's truncations and counts. */
import { describe, expect, it } from 'vitest';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { SimHost } from './simHost';

async function out(host: SimHost, line: string): Promise<string> {
  let o = '';
  let err = '';
  const exit = await host.runToCompletion(line, { stdout: (t) => (o += t), stderr: (t) => (err += t) });
  expect({ exit, err }, line).toEqual({ exit: 0, err: '' });
  return o;
}

describe('docker system df -v', () => {
  it('the containers table: 19 characters of a long command and an ellipsis, local volumes counted, sizes; volumes with their links', async () => {
    const host = new SimHost({ seed: 'df-v', yieldToEventLoop: () => yieldImmediate(), preload: ['busybox:latest'] });
    await out(host, 'docker volume create v1');
    await out(host, "docker run -d --name ca -v v1:/data -v /data2 busybox sh -c 'echo hello > /data/x; echo y > /f; sleep 300'");
    await out(host, "docker create --name cd busybox echo 'a b c' 'very long argument here'");
    const text = await out(host, 'docker system df -v');
    const section = text.slice(text.indexOf('Containers space usage:'), text.indexOf('Local Volumes space usage:')).split('\n');
    expect(section[2]).toBe('CONTAINER ID   IMAGE     COMMAND                  LOCAL VOLUMES   SIZE      CREATED                  STATUS                  NAMES');
    expect(section[3]).toMatch(/^[0-9a-f]{12} {3}busybox {3}"echo 'a b c' 'very …" {3}0 {15}0B {8}Less than a second ago {3}Created {17}cd$/);
    expect(section[4]).toMatch(/^[0-9a-f]{12} {3}busybox {3}"sh -c 'echo hello >…" {3}2 {15}2B {8}Less than a second ago {3}Up Less than a second {3}ca$/);
    const volumes = text.slice(text.indexOf('Local Volumes space usage:')).split('\n');
    expect(volumes[2]).toMatch(/^VOLUME NAME {56}LINKS {5}SIZE$/);
    expect(volumes.find((l) => l.startsWith('v1 '))).toMatch(/^v1 +1 {9}6B$/);
  });
});
