import { describe, expect, it } from 'vitest';
import { DEFAULT_CONF, MIME_TYPES, NGINX_CONF } from './fixtures/nginx';
import { parseNginxConfig, type ConfHost } from './nginxConf';

/** A configuration tree as nginx reads it: nginx.conf, conf.d/*.conf and mime.types. */
function host(files: Record<string, string>): ConfHost {
  const all: Record<string, string> = { '/etc/nginx/nginx.conf': NGINX_CONF, '/etc/nginx/mime.types': MIME_TYPES, '/etc/nginx/conf.d/default.conf': DEFAULT_CONF, ...files };
  return {
    read: (p) => all[p] ?? 'ENOENT',
    glob: (pattern) => Object.keys(all).filter((f) => f.startsWith(pattern.replace('*.conf', '')) && f.endsWith('.conf')).sort(),
    resolve: (h) => (h === 'app' ? '172.18.0.3' : undefined),
  };
}

describe('parseNginxConfig', () => {
  it('reads the official configuration: one server on :80 for localhost, its locations, the MIME types', () => {
    const conf = parseNginxConfig(host({}));
    if ('error' in conf) throw new Error(conf.error);
    expect(conf.servers).toHaveLength(1);
    expect(conf.servers[0]!.listens).toEqual([{ ip: '0.0.0.0', port: 80, ipv6: false, defaultServer: false }]);
    expect(conf.servers[0]!.names).toEqual(['localhost']);
    expect(conf.servers[0]!.locations.map((l) => `${l.modifier}${l.pattern}`)).toEqual(['/', '=/50x.html']);
    expect(conf.types.get('html')).toBe('text/html');
    expect(conf.types.get('png')).toBe('image/png');
    expect(conf.files).toEqual(['/etc/nginx/nginx.conf', '/etc/nginx/mime.types', '/etc/nginx/conf.d/default.conf']);
  });

  it.each([
    ['an unknown directive', 'server {\n    listen 80;\n    foo bar;\n}\n', 'unknown directive "foo" in /etc/nginx/conf.d/default.conf:3'],
    ['a missing ;', 'server {\n    listen 80\n}\n', 'unexpected "}" in /etc/nginx/conf.d/default.conf:3'],
    ['an unclosed block', 'server {\n    listen 80;\n', 'unexpected end of file, expecting "}" in /etc/nginx/conf.d/default.conf:3'],
    ['a stray }', 'server {\n}\n}\n', 'unexpected "}" in /etc/nginx/conf.d/default.conf:3'],
    ['a directive in the wrong place', 'listen 80;\n', '"listen" directive is not allowed here in /etc/nginx/conf.d/default.conf:1'],
    ['too many arguments', 'server {\n    root /a /b;\n}\n', 'invalid number of arguments in "root" directive in /etc/nginx/conf.d/default.conf:2'],
    ['a bad flag', 'server {\n    autoindex yes;\n}\n', 'invalid value "yes" in "autoindex" directive, it must be "on" or "off" in /etc/nginx/conf.d/default.conf:2'],
    ['a block directive without {', 'server;\n', 'directive "server" has no opening "{" in /etc/nginx/conf.d/default.conf:1'],
    ['a bad port', 'server {\n    listen abc:x;\n}\n', 'host not found in "abc:x" of the "listen" directive in /etc/nginx/conf.d/default.conf:2'],
    ['an unknown upstream host', 'server {\n    location / {\n        proxy_pass http://nohost:3000;\n    }\n}\n', 'host not found in upstream "nohost:3000" in /etc/nginx/conf.d/default.conf:3'],
    ['a duplicate location', 'server {\n    location / {}\n    location / {}\n}\n', 'duplicate location "/" in /etc/nginx/conf.d/default.conf:3'],
    ['an include that is not there', 'include /etc/nginx/none.conf;\n', 'open() "/etc/nginx/none.conf" failed (2: No such file or directory) in /etc/nginx/conf.d/default.conf:1'],
  ])('refuses %s with nginx’s text', (_what, text, error) => {
    expect(parseNginxConfig(host({ '/etc/nginx/conf.d/default.conf': text }))).toEqual({ error });
  });

  it('keeps quoted words, escapes and ${variables} as nginx tokenizes them', () => {
    const conf = parseNginxConfig(host({ '/etc/nginx/conf.d/default.conf': 'server {\n    listen 8080;\n    location / {\n        add_header X-A "a b;c" always;\n        return 200 \'it\\\'s ${host}\';\n    }\n}\n' }));
    if ('error' in conf) throw new Error(conf.error);
    const loc = conf.servers[0]!.locations[0]!;
    expect(loc.directives.map((d) => d.words)).toEqual([['add_header', 'X-A', 'a b;c', 'always'], ['return', '200', "it's ${host}"]]);
    expect(conf.servers[0]!.listens[0]!.port).toBe(8080);
  });
});
