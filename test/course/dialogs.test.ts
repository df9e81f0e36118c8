import { describe, expect, it } from 'vitest';
import { scriptedEdit } from './dialogs';

const fence = '```';

describe('scriptedEdit: what the course replay saves in the editor', () => {
  it.each<[string, string[], string | null]>([
    ['the JSON block after the line, without the notes’ # remark', ['vim /etc/docker/daemon.json', '{', '    "registry-mirrors": ["https://m.example.com"]', '    #"registry-mirrors": ["https://x"]', '}', 'systemctl start docker'], '{\n    "registry-mirrors": ["https://m.example.com"]\n}\n'],
    ['nested objects up to the matching brace', ['vi /etc/docker/daemon.json', '{', '  "log-opts": {', '    "max-size": "10m"', '  }', '}', fence], '{\n  "log-opts": {\n    "max-size": "10m"\n  }\n}\n'],
    ['an excerpt that is not JSON: quit without saving', ['vi /usr/lib/systemd/system/docker.service', '-----------修改内容截取--------------', '    9\t[Service]'], null],
    ['a block that ends before the object closes: quit', ['vim /x.json', '{', '  "a": 1', fence], null],
    ['invalid JSON: quit', ['vim /x.json', '{', '  "a": 1,', '}'], null],
  ])('%s', (_, lines, text) => {
    expect(scriptedEdit(lines, 1).text).toBe(text);
  });

  it('says in the report what was dropped', () => {
    expect(scriptedEdit(['vim f', '{', '#"a": 1', '"b": 2', '}'], 1).how).toMatch(/without the 1 line they comment out with #/);
  });
});
