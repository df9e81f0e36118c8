import { describe, expect, it } from 'vitest';
import type { ContainerSnapshot } from '../../../core/model';
import { containerNamedIn } from './followContainer';

const c = (name: string, id: string): ContainerSnapshot => ({ name, id: id.padEnd(64, '0') }) as ContainerSnapshot;
const containers = [c('web', 'abcd1234'), c('db', 'abcd9999'), c('busybox', 'fff00000')];

describe('containerNamedIn', () => {
  it.each([
    ['docker stop web', 'web'],
    ['docker run -d --name db busybox sleep 1', 'db'],
    ['docker run -d --name=db busybox', 'db'],
    ['docker rm -f web db', 'db'],
    ['docker inspect abcd12', 'web'],
    ['docker inspect fff0', 'busybox'],
    ['docker inspect fff', null], // too short to be meant as an id
    ['docker logs /web', 'web'],
    ['docker ps', null],
    ['echo web', null],
    ['docker run busybox', 'busybox'], // a container named like the image is still a container
  ])('%s → %s', (line, expected) => {
    expect(containerNamedIn(line, containers)?.name ?? null).toBe(expected);
  });

  it('ignores an id prefix that is ambiguous', () => {
    expect(containerNamedIn('docker stop abcd', containers)).toBeNull();
    expect(containerNamedIn('docker stop abcd9', containers)?.name).toBe('db');
  });
});
