import { describe, expect, it, vi } from 'vitest';
import { editOnHost, terminalDialogs } from './simDialogs';

const request = { path: '/etc/docker/daemon.json', content: '{"old": true}\n', title: 'vim /etc/docker/daemon.json' };

describe('glassbox sim at a terminal: the host’s editor and the Hub prompt', () => {
  it('the text comes back when the host’s editor wrote the file ($VISUAL before $EDITOR)', () => {
    expect(editOnHost(request, { VISUAL: 'sed -i s/old/new/', EDITOR: 'false' })).toBe('{"new": true}\n');
  });

  it('an editor that did not write the file is a quit without saving', () => {
    expect(editOnHost(request, { EDITOR: 'true' })).toBeNull();
  });

  it('an editor that cannot start says so and saves nothing', () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(editOnHost(request, { EDITOR: 'glassbox-no-such-editor' })).toBeNull();
      expect(err.mock.calls.map((c) => String(c[0])).join('')).toMatch(/^glassbox: cannot start the editor glassbox-no-such-editor/m);
    } finally {
      err.mockRestore();
    }
  });

  it('docker login’s browser is a prompt labelled as the simulated Hub; an empty answer closes it', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const answers = [' student1 ', ''];
      const dialogs = terminalDialogs(() => Promise.resolve(answers.shift()), {});
      expect(await dialogs.signIn({ code: 'BCDF-GHJK', url: 'https://login.docker.com/activate?user_code=BCDF-GHJK' })).toBe('student1');
      expect(await dialogs.signIn({ code: 'BCDF-GHJK', url: 'https://login.docker.com/activate?user_code=BCDF-GHJK' })).toBeNull();
      expect(String(err.mock.calls[0]![0])).toContain('[simulated browser: Docker Hub device activation, simulated by Glassbox]');
    } finally {
      err.mockRestore();
    }
  });
});
