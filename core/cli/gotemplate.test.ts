import { describe, expect, it } from 'vitest';
import {
  DOCKER_FUNCS,
  formatValue,
  GO_NIL_MAP,
  GO_NIL_SLICE,
  goJson,
  goSprintf,
  goStruct,
  HEADER_FUNCS,
  renderTemplate,
  Template,
  TemplateError,
} from './gotemplate';

// `docker inspect` of a running busybox container (`-e FOO=bar -e 'X=<a&b>' -l b=2 -l a=1 busybox sleep 3600`),
// trimmed to the fields the cases use. Data as the raw JSON decodes: maps, slices, numbers.
const CONTAINER = {
  Name: '/gbtest-tbl25006-run',
  State: { Status: 'running', Running: true, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: 12504, ExitCode: 0, Error: '' },
  Config: { Image: 'busybox', Env: ['FOO=bar', 'X=<a&b>'], Cmd: ['sleep', '3600'], Entrypoint: null, Labels: { b: '2', a: '1' } },
  Mounts: [],
};

function run(t: string, data: unknown = CONTAINER, missingKey: 'default' | 'error' = 'default'): string {
  try {
    return renderTemplate(t, data, { missingKey });
  } catch (e) {
    if (e instanceof TemplateError) return 'ERR ' + e.message;
    throw e;
  }
}

describe('renderTemplate matches docker 28 `inspect -f` output and errors', () => {
  // Each expectation was produced by the real client on the container above; "ERR …" is its
  // message after docker's "template parsing error: " prefix.
  const cases: Array<[string, string]> = [
    ["{{.Name}}", "/gbtest-tbl25006-run"],
    ["{{.State.Status}}|{{.State.Running}}|{{.State.Pid}}|{{.State.ExitCode}}", "running|true|12504|0"],
    ["{{json .Config.Env}}", "[\"FOO=bar\",\"X=<a&b>\"]"],
    ["{{json .Config.Labels}}", "{\"a\":\"1\",\"b\":\"2\"}"],
    ["{{.Config.Env}}", "[FOO=bar X=<a&b>]"],
    ["{{.Config.Labels}}", "map[a:1 b:2]"],
    ["{{range .Config.Env}}[{{.}}]{{end}}", "[FOO=bar][X=<a&b>]"],
    ["{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}", "a=1;b=2;"],
    ["{{range $i, $e := .Config.Env}}{{$i}}:{{$e}} {{end}}", "0:FOO=bar 1:X=<a&b> "],
    ["{{len .Config.Env}} {{index .Config.Env 1}} {{index .Config.Labels \"a\"}}", "2 X=<a&b> 1"],
    ["{{if eq .State.Status \"running\"}}yes{{else}}no{{end}}", "yes"],
    ["{{if ne .State.Status \"running\"}}yes{{else if .State.Running}}run{{else}}no{{end}}", "run"],
    ["{{with .Config}}{{.Image}}{{end}}", "busybox"],
    ["{{- .Name -}}  |  {{- \"x\" }}", "/gbtest-tbl25006-run|x"],
    ["a  {{- /* comment */ -}}  b", "ab"],
    ["{{/* c */}}x", "x"],
    ["{{ $x := .Name }}{{ $x }}{{ $x = \"y\" }}{{ $x }}", "/gbtest-tbl25006-runy"],
    ["{{printf \"%s|%5s|%-5s|%q|%v|%d|%05d|%x|%X|%t|%.2f|%e|%g\" \"a\" \"b\" \"c\" \"d\" .Config.Env 42 42 255 \"hi\" true 3.14159 1234.5678 0.000012}}", "a|    b|c    |\"d\"|[FOO=bar X=<a&b>]|42|00042|ff|6869|true|3.14|1.234568e+03|1.2e-05"],
    ["{{printf \"%d %s\" \"x\" 5}}", "%!d(string=x) %!s(int=5)"],
    ["{{printf \"%d\"}}", "%!d(MISSING)"],
    ["{{printf \"%d\" 1 2}}", "1%!(EXTRA int=2)"],
    ["{{printf \"%z\" 1}}", "%!z(int=1)"],
    ["{{print \"a\" 1 2 \"b\" true false}}", "a1 2btrue false"],
    ["{{println \"a\" 1}}", "a 1\n"],
    ["{{join .Config.Env \",\"}}|{{split \"a,b,c\" \",\"}}|{{upper \"abc\"}}|{{lower \"ABC\"}}|{{title \"hello wORLD foo-bar\"}}", "FOO=bar,X=<a&b>|[a b c]|ABC|abc|Hello WORLD Foo-Bar"],
    ["{{pad \"x\" 2 3}}|{{pad \"\" 2 3}}|{{truncate \"abcdef\" 3}}|{{truncate \"ab\" 3}}", "  x   ||abc|ab"],
    ["{{and 1 0 2}}|{{and 1 2}}|{{or 0 \"\" \"x\"}}|{{or 0 \"\"}}|{{not 0}}|{{not \"a\"}}", "0|2|x||true|false"],
    ["{{lt 1 2}} {{le 2 2}} {{gt \"b\" \"a\"}} {{ge 1 2}} {{eq 1 2 3 1}}", "true true true false true"],
    ["{{eq 1 \"a\"}}", "ERR template: :1:2: executing \"\" at <eq 1 \"a\">: error calling eq: incompatible types for comparison"],
    ["{{lt true false}}", "ERR template: :1:2: executing \"\" at <lt true false>: error calling lt: invalid type for comparison"],
    ["{{index .Config.Env 9}}", "ERR template: :1:2: executing \"\" at <index .Config.Env 9>: error calling index: index out of range: 9"],
    ["{{len 3}}", "ERR template: :1:2: executing \"\" at <len 3>: error calling len: len of type int"],
    ["{{json .Mounts}}", "[]"],
    ["{{range .Mounts}}x{{else}}empty{{end}}", "empty"],
    ["{{.Config.Cmd}} {{json .Config.Cmd}} {{index .Config.Cmd 0}}", "[sleep 3600] [\"sleep\",\"3600\"] sleep"],
    ["{{\"a\" | printf \"%s-%s\" \"b\"}}", "b-a"],
    ["{{.Name | len}}", "20"],
    ["{{len .Name | printf \"%d\"}}", "20"],
    ["{{(index .Config.Env 0)}}", "FOO=bar"],
    ["{{ 1.5 }} {{ 1e3 }} {{ 0x10 }} {{ 'a' }} {{ -3 }} {{ 1e21 }} {{ 08 }}", "ERR template: :1: integer overflow: \"08\""],
    ["{{range 3}}{{.}}{{end}}", "012"],
    ["{{range $i := 3}}{{$i}}{{end}}", "012"],
    ["{{range .Config.Env}}{{if eq . \"FOO=bar\"}}{{continue}}{{end}}{{.}}{{end}}", "X=<a&b>"],
    ["{{range .Config.Env}}{{break}}{{.}}{{end}}done", "done"],
    ["{{with $x := .Name}}{{$x}}{{end}}", "/gbtest-tbl25006-run"],
    ["{{.Config.Labels.a}}", "1"],
    ["{{.Config.Labels.zz}}", "<no value>"],
    ["{{index .Config.Labels \"zz\"}}", ""],
    ["{{slice .Name 1 3}}", "gb"],
    ["{{html \"<a&b>\"}}", "&lt;a&amp;b&gt;"],
    ["{{urlquery \"a b&c\"}}", "a+b%26c"],
    ["{{printf \"%T %T %T %T %T\" 1 1.5 \"s\" .Config.Env .Config.Labels}}", "int float64 string []string map[string]string"],
    ["{{printf \"%6.2f|%-8.3s|%+d|% d|%#x|%#o|%b|%c|%U\" 3.14159 \"abcdef\" 5 5 255 8 5 65 65}}", "  3.14|abc     |+5| 5|0xff|010|101|A|U+0041"],
    ["{{printf \"%q\" .Config.Env}}", "[\"FOO=bar\" \"X=<a&b>\"]"],
    ["{{printf \"%x\" \"hello\"}} {{printf \"% x\" \"hi\"}}", "68656c6c6f 68 69"],
    ["{{.Name}", "ERR template: :1: bad character U+007D '}'"],
    ["{{.Name", "ERR template: :1: unclosed action"],
    ["{{end}}", "ERR template: :1: unexpected {{end}}"],
    ["{{if}}{{end}}", "ERR template: :1: missing value for if"],
    ["{{if .Name}}", "ERR template: :1: unexpected EOF"],
    ["{{else}}", "ERR template: :1: unexpected {{else}}"],
    ["{{$x}}", "ERR template: :1: undefined variable \"$x\""],
    ["{{foo}}", "ERR template: :1: function \"foo\" not defined"],
    ["{{.Name | 1}}", "ERR template: :1: non executable command in pipeline stage 2"],
    ["{{range .Config.Env}}{{break 1}}{{end}}", "ERR template: :1: unexpected \"1\" in {{break}}"],
    ["{{break}}", "ERR template: :1: {{break}} outside {{range}}"],
    ["{{\"a}}", "ERR template: :1: unterminated quoted string"],
    ["{{'a}}", "ERR template: :1: unterminated character constant"],
    ["{{\"a\\\"b\"}}", "a\"b"],
    ["{{'\\''}}", "39"],
    ["{{1.2.3}}", "ERR template: :1: unexpected \".3\" in operand"],
    ["{{'ab'}}", "ERR template: :1: malformed character constant: 'ab'"],
    ["{{/* x */ }}", "ERR template: :1: comment ends before closing delimiter"],
    ["{{/* x", "ERR template: :1: unclosed comment"],
    ["{{ .Name | printf \"%s-%s\" \"a\" }}", "a-/gbtest-tbl25006-run"],
    ["{{index .Config.Env \"a\"}}", "ERR template: :1:2: executing \"\" at <index .Config.Env \"a\">: error calling index: cannot index slice/array with type string"],
    ["{{join .Name \",\"}}", "ERR template: :1:7: executing \"\" at <.Name>: wrong type for value; expected []string; got string"],
    ["{{pad 1 1 1}}", "ERR template: :1:6: executing \"\" at <1>: expected string; found 1"],
    ["{{truncate .Name \"x\"}}", "ERR template: :1:17: executing \"\" at <\"x\">: expected integer; found \"x\""],
    ["{{printf}}", "ERR template: :1:2: executing \"\" at <printf>: wrong number of args for printf: want at least 1 got 0"],
    ["{{.Name 1}}", "ERR template: :1:2: executing \"\" at <.Name>: Name is not a method but has arguments"],
    ["{{nil}}", "ERR template: :1:2: executing \"\" at <nil>: nil is not a command"],
    ["{{1 2}}", "ERR template: :1:2: executing \"\" at <1>: can't give argument to non-function 1"],
    ["{{ 08 }}", "ERR template: :1: integer overflow: \"08\""],
    ["{{ 99999999999999999999 }}", "ERR template: :1: integer overflow: \"99999999999999999999\""],
    ["{{ 18446744073709551615 }}", "ERR template: :1:3: executing \"\" at <18446744073709551615>: 18446744073709551615 overflows int"],
    ["{{ 1x }}", "ERR template: :1: bad number syntax: \"1x\""],
    ["{{ $x := 1 }}{{ $x.Foo }}", "ERR template: :1:18: executing \"\" at <$x.Foo>: can't evaluate field Foo in type int"],
    ["{{ (1).Foo }}", "ERR template: :1:4: executing \"\" at <1>: can't evaluate field Foo in type int"],
    // A value taken from a map has the map's element type: interface {} in decoded JSON.
    ["{{.Config.Cmd.Foo}}", "ERR template: :1:9: executing \"\" at <.Config.Cmd.Foo>: can't evaluate field Foo in type interface {}"],
    ["{{.State.Status.Foo}}", "ERR template: :1:8: executing \"\" at <.State.Status.Foo>: can't evaluate field Foo in type interface {}"],
    ["{{ \"a\".Foo }}", "ERR template: :1: unexpected . after term \"\\\"a\\\"\""],
    ["{{ .Name | .Config }}", "ERR template: :1:11: executing \"\" at <.Config>: Config is not a method but has arguments"],
    ["{{ ) }}", "ERR template: :1: unexpected right paren"],
    ["{{ ( }}", "ERR template: :1: unclosed left paren"],
    ["{{ (.Name }}", "ERR template: :1: unclosed left paren"],
    ["{{ .Name) }}", "ERR template: :1: unexpected right paren"],
    ["{{ # }}", "ERR template: :1: unexpected \"#\" in command"],
    ["{{ .Name ~ }}", "ERR template: :1: unexpected \"~\" in operand"],
    ["{{ € }}", "ERR template: :1: unrecognized character in action: U+20AC '€'"],
    ["{{ $x = 1 }}", "ERR template: :1:8: executing \"\" at <1>: undefined variable: $x"],
    ["{{ $x, $y := 1 }}", "ERR template: :1: too many declarations in command"],
    ["{{ range $x, $y, $z := .Config.Env }}{{end}}", "ERR template: :1: too many declarations in range"],
    ["{{ range $x, 1 }}{{end}}", "ERR template: :1: range can only initialize variables"],
    ["{{ if 1 }}{{ else }}{{ else }}{{ end }}", "ERR template: :1: expected end; found {{else}}"],
    ["{{ with 1 }}{{ else if 2 }}{{ end }}", "ERR template: :1: unexpected <if> in input"],
    ["{{ template \"x\" }}", "ERR template: :1:12: executing \"\" at <{{template \"x\"}}>: template \"x\" not defined"],
    ["{{ .Name : }}", "ERR template: :1: expected :="],
    ["{{ .Name := 1 }}", "ERR template: :1: unexpected \":=\" in operand"],
    ["{{ and }}", "ERR template: :1:3: executing \"\" at <and>: wrong number of args for and: want at least 1 got 0"],
    ["{{ eq 1 }}", "ERR template: :1:3: executing \"\" at <eq 1>: error calling eq: missing argument for comparison"],
    ["{{ not 1 2 }}", "ERR template: :1:3: executing \"\" at <not>: wrong number of args for not: want 1 got 2"],
    ["{{ len }}", "ERR template: :1:3: executing \"\" at <len>: wrong number of args for len: want 1 got 0"],
    ["{{ index }}", "ERR template: :1:3: executing \"\" at <index>: wrong number of args for index: want at least 1 got 0"],
    ["{{ index .Config.Labels 1 }}", "ERR template: :1:3: executing \"\" at <index .Config.Labels 1>: error calling index: value has type int; should be string"],
    ["{{ index .Name 1 }}", "103"],
    ["{{ index nil 1 }}", "ERR template: :1:3: executing \"\" at <index nil 1>: error calling index: index of untyped nil"],
    ["{{ printf \"%s\" nil }}", "%!s(<nil>)"],
    ["{{ eq nil nil }}", "true"],
    ["{{ lt 1 1.5 }}", "ERR template: :1:3: executing \"\" at <lt 1 1.5>: error calling lt: incompatible types for comparison"],
    ["{{ lt \"a\" 1 }}", "ERR template: :1:3: executing \"\" at <lt \"a\" 1>: error calling lt: incompatible types for comparison"],
    ["{{ lt nil 1 }}", "ERR template: :1:3: executing \"\" at <lt nil 1>: error calling lt: invalid type for comparison"],
    ["{{ json }}", "ERR template: :1:3: executing \"\" at <json>: wrong number of args for json: want 1 got 0"],
    ["{{ json 1 2 }}", "ERR template: :1:3: executing \"\" at <json>: wrong number of args for json: want 1 got 2"],
    ["{{ upper 1 }}", "ERR template: :1:9: executing \"\" at <1>: expected string; found 1"],
    ["{{ split .Name }}", "ERR template: :1:3: executing \"\" at <split>: wrong number of args for split: want 2 got 1"],
    ["{{ if .Name }}{{ end }}x{{ end }}", "ERR template: :1: unexpected {{end}}"],
    ["{{-.Name}}", "ERR template: :1: bad number syntax: \"-.N\""],
    ["{{.Name-}}", "ERR template: :1: bad character U+002D '-'"],
    ["{{- .Name}}", "/gbtest-tbl25006-run"],
    ["{{ .Name -}}", "/gbtest-tbl25006-run"],
    ["{{ -1 }}", "-1"],
    ["{{ 'x' | printf \"%c\" }}", "x"],
    ["{{ \"\\u00e9\\x41\\n\" | printf \"%q\" }}", "\"éA\\n\""],
    ["{{ `raw\\n` }}", "raw\\n"],
    ["{{ printf \"%5.1f|%-7d|%07.2f|%+.1e\" 3.14159 42 -3.5 12345.678 }}", "  3.1|42     |-003.50|+1.2e+04"],
    ["{{ printf \"%v|%s|%d\" true true true }}", "true|%!s(bool=true)|%!d(bool=true)"],
    ["{{ printf \"%-4s|%4s|\" \"abcdef\" \"é\" }}", "abcdef|   é|"],
    ["{{ printf \"%*d|%-*d|\" 5 1 4 2 }}", "    1|2   |"],
    ["{{ printf \"%.3s\" \"日本語日本語\" }}", "日本語"],
    ["{{ printf \"%08.3f|%x|%X|%o\" -3.14159 -255 3054 8 }}", "-003.142|-ff|BEE|10"],
    ["{{ printf \"%c|%q|%U\" 0x1F600 0x1F600 0x1F600 }}", "😀|'😀'|U+1F600"],
    ["{{ printf \"100%%\" }}", "100%"],
    ["{{ printf \"%!\" }}", "%!!(MISSING)"],
    ["{{ printf \"%\" }}", "%!(NOVERB)"],
    ["a\n  {{- .Name -}}  \n b", "a/gbtest-tbl25006-runb"],
    ["{{.Name\n}}", "/gbtest-tbl25006-run"],
    ["{{ if\n .Name }}x{{end}}", "x"],
    ["{{ .Name }}\n{{ .Name }}", "/gbtest-tbl25006-run\n/gbtest-tbl25006-run"],
    ["line1\n{{.Foo.}}", "ERR template: :2: unexpected <.> in operand"],
    ["x\n\n{{ .Name | }}", "x\n\n/gbtest-tbl25006-run"],
    ["{{\"a\" |\nprintf \"%s\"}}", "a"],
    ["{{- /* c */ -}}\n  x", "x"],
    ["a {{/* c */ -}}   b", "a b"],
    ["a   {{- /* c */}} b", "a b"],
    ["{{.Name -}}\t\n x", "/gbtest-tbl25006-runx"],
    ["{{ .Name - }}", "ERR template: :1: illegal number syntax: \"-\""],
    ["{{ .Name -}}{{- .Name }}", "/gbtest-tbl25006-run/gbtest-tbl25006-run"],
    ["{{- -}}", "ERR template: :1: illegal number syntax: \"-\""],
    ["{{-3}}", "-3"],
    ["{{- 3}}", "3"],
    ["{{ 3 -}}", "3"],
    ["{{3 -}}", "3"],
    ["{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}", "2"],
    ["{{if true}}{{$y := 1}}{{end}}{{$y}}", "ERR template: :1: undefined variable \"$y\""],
    ["{{range $i, $e := .Config.Env}}{{end}}{{$i}}", "ERR template: :1: undefined variable \"$i\""],
    ["{{range .Config.Env}}{{$.Name}}{{end}}", "/gbtest-tbl25006-run/gbtest-tbl25006-run"],
    ["{{ \"\\x41\\101\\u00e9\\t\" }}", "AAé\t"],
    ["{{ \"\\q\" }}", "ERR template: :1: invalid syntax"],
    ["{{ '\\n' }} {{ '\\'' }}", "10 39"],
    ["{{ `a\nb` }}", "a\nb"],
  ];
  it.each(cases)('%j', (t, want) => expect(run(t)).toBe(want));
});

describe('missingkey=error (docker inspect\'s raw-JSON fallback)', () => {
  it.each([
    ['{{.NoSuchField}}', 'ERR template: :1:2: executing "" at <.NoSuchField>: map has no entry for key "NoSuchField"'],
    ['{{.State.Nope}}', 'ERR template: :1:8: executing "" at <.State.Nope>: map has no entry for key "Nope"'],
    ['{{.Config.Labels.zz}}', 'ERR template: :1:9: executing "" at <.Config.Labels.zz>: map has no entry for key "zz"'],
    ['{{.Name}}', '/gbtest-tbl25006-run'],
  ])('%j', (t, want) => expect(run(t, CONTAINER, 'error')).toBe(want));
  it('without it a missing key prints <no value>', () => expect(run('{{.NoSuchField}}')).toBe('<no value>'));
});

describe('structs, methods and nil collections', () => {
  const ctx = goStruct('*formatter.ContainerContext', {
    ID: 'abc123',
    Names: 'web',
    Label: (name: string) => ({ a: '1' })[name] ?? '',
    Ports: GO_NIL_SLICE,
    Opts: GO_NIL_MAP,
    State: goStruct('*types.ContainerState', { Status: 'running', Pid: 42 }),
  });
  it.each([
    ['{{.Names}}', 'web'],
    ['{{.Foo}}', 'ERR template: :1:2: executing "" at <.Foo>: can\'t evaluate field Foo in type *formatter.ContainerContext'],
    ['{{.State.Foo}}', 'ERR template: :1:8: executing "" at <.State.Foo>: can\'t evaluate field Foo in type *types.ContainerState'],
    ['{{.Names 1}}', 'ERR template: :1:2: executing "" at <.Names>: Names has arguments but cannot be invoked as function'],
    ['{{.Label "a"}}|{{.Label "b"}}|{{"a" | .Label}}', '1||1'],
    ['{{.State}}', '{running 42}'],
    ['{{printf "%+v" .State}}', '{Status:running Pid:42}'],
    ['{{json .State}}', '{"Status":"running","Pid":42}'],
    ['{{.Ports}}|{{json .Ports}}|{{len .Ports}}|{{if .Ports}}y{{else}}n{{end}}', '[]|null|0|n'],
    ['{{.Opts}}|{{json .Opts}}|{{range .Opts}}x{{else}}none{{end}}', 'map[]|null|none'],
    ['{{json .}}', '{"ID":"abc123","Names":"web","Ports":null,"Opts":null,"State":{"Status":"running","Pid":42}}'],
  ])('%j', (t, want) => expect(run(t, ctx)).toBe(want));

  it('uses MarshalJSON when the data has one (docker ps {{json .}})', () => {
    const c = goStruct('*formatter.ContainerContext', { Names: 'web', MarshalJSON: () => ({ Names: 'web', ID: 'x' }) });
    expect(run('{{json .}}', c)).toBe('{"ID":"x","Names":"web"}');
  });
});

describe('maps, ranges and control flow', () => {
  const data = { M: { b: 2, a: 1, c: 3 }, L: ['x', 'y', 'z'], N: null, E: [] as string[], T: true };
  it.each([
    ['{{.M}}', 'map[a:1 b:2 c:3]'],
    ['{{range $k, $v := .M}}{{$k}}{{$v}}{{end}}', 'a1b2c3'],
    ['{{range .M}}{{.}}{{end}}', '123'],
    ['{{range $i, $e := .L}}{{if eq $i 1}}{{continue}}{{end}}{{$e}}{{end}}', 'xz'],
    ['{{range .L}}{{if eq . "y"}}{{break}}{{end}}{{.}}{{end}}', 'x'],
    ['{{range .E}}x{{else}}empty{{end}}', 'empty'],
    ['{{range .N}}x{{else}}nil{{end}}', 'nil'],
    // Assignment to undeclared variables parses, then fails (docker: same text for .Config.Env).
    ['{{range $i, $e = .L}}{{end}}', 'ERR template: :1:17: executing "" at <.L>: undefined variable: $i'],
    ['{{$i := 0}}{{$e := ""}}{{range $i, $e = .L}}{{end}}{{$i}}{{$e}}', '2z'],
    ['{{range .T}}{{end}}', 'ERR template: :1:8: executing "" at <.T>: range can\'t iterate over true'],
    ['{{if .N}}a{{else if .T}}b{{else}}c{{end}}', 'b'],
    ['{{with .N}}a{{else with .L}}{{index . 2}}{{end}}', 'z'],
    ['{{.N}}', '<nil>'],
    ['{{.N.x}}', 'ERR template: :1:4: executing "" at <.N.x>: nil pointer evaluating interface {}.x'],
    ['{{printf "%v %d" .N .N}}', '<nil> %!d(<nil>)'],
  ])('%j', (t, want) => expect(run(t, data)).toBe(want));
});

describe('error positions and partial output', () => {
  it('reports byte columns (multi-byte text before the action)', () => {
    expect(run('日本{{.Foo.Bar}}', { Foo: 1 })).toBe('ERR template: :1:12: executing "" at <.Foo.Bar>: can\'t evaluate field Bar in type int');
  });
  it('keeps what was written before an execution error', () => {
    let err: unknown;
    try {
      renderTemplate('ok {{.A}} {{index .L 5}}', { A: 'a', L: [] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TemplateError);
    expect((err as TemplateError).phase).toBe('exec');
    expect((err as TemplateError).partial).toBe('ok a ');
  });
  it('marks parse errors', () => {
    expect(() => Template.parse('{{foo}}')).toThrow(expect.objectContaining({ phase: 'parse', message: 'template: :1: function "foo" not defined' }));
  });
  it('parse errors name the line', () => expect(run('a\nb\n{{if}}')).toBe('ERR template: :3: missing value for if'));
});

describe('docker header functions', () => {
  const header = { Names: 'NAMES', Status: 'STATUS', Label: (n: string) => n };
  it.each([
    ['{{.Names}}\t{{upper .Status}}', 'NAMES\tSTATUS'],
    ['{{json .Names}}|{{truncate .Names 2}}|{{pad .Names 1 1}}|{{.Label "com.x.y"}}', 'NAMES|NAMES| NAMES |com.x.y'],
    ['{{split .Names ","}}|{{join .Names ","}}|{{lower .Names}}|{{title .Names}}', 'NAMES|NAMES|NAMES|NAMES'],
  ])('%j', (t, want) => expect(Template.parse(t).execute(header, { funcs: HEADER_FUNCS })).toBe(want));
  it('the same template with docker functions transforms values', () => {
    expect(Template.parse('{{upper .Status}}', { funcs: DOCKER_FUNCS }).execute({ Status: 'Up 1 second' })).toBe('UP 1 SECOND');
  });
});

describe('fmt and json', () => {
  it.each([
    [1, '1'], [1.5, '1.5'], [-0.25, '-0.25'], [1e21, '1e+21'], ['s', 's'], [true, 'true'], [null, '<nil>'],
    [[1, 'a', [2]], '[1 a [2]]'], [{ z: 1, a: [] }, 'map[a:[] z:1]'],
  ])('%%v of %j', (v, want) => expect(formatValue(v)).toBe(want));

  it.each([
    ['%d|%5d|%-5d|%05d|%+d|%x|%X|%o|%b|%#x|%#o', [7, 7, 7, -7, 7, 255, 255, 8, 5, 255, 8], '7|    7|7    |-0007|+7|ff|FF|10|101|0xff|010'],
    ['%s|%q|%v|%10s|%-10s|%.2s', ['é', 'a\tb', 'x', 'right', 'left', 'abc'], 'é|"a\\tb"|x|     right|left      |ab'],
    ['%f|%.2f|%8.3f|%e|%g|%G', [3.14159, 2.675, -1.5, 123456.789, 1e-7, 1e21], '3.141590|2.67|  -1.500|1.234568e+05|1e-07|1E+21'],
    ['%t|%v|%s', [true, false, true], 'true|false|%!s(bool=true)'],
    ['%d %d', [1], '1 %!d(MISSING)'],
    ['%d', [1, 'x', 2], '1%!(EXTRA string=x, int=2)'],
    ['%z', [1], '%!z(int=1)'],
    ['%+v|%+d|%#v', [{ a: 1 }, 5, 's'], 'map[a:1]|+5|"s"'],
    ['%', [], '%!(NOVERB)'],
    ['%c%c|%q|%U', [72, 105, 0x1f600, 0x1f600], 'Hi|\'😀\'|U+1F600'],
    ['%x|% x|%X', ['hi', 'hi', 'hi'], '6869|68 69|6869'],
    ['%v|%d|%s', [[1, 2], [1, 2], ['a', 'b']], '[1 2]|[1 2]|[a b]'],
    ['%T|%T|%T|%T|%T', [1, 1.5, 'x', ['a'], { a: 1 }], 'int|float64|string|[]string|map[string]int'],
  ] as const)('Sprintf(%j)', (f, args, want) => expect(goSprintf(f, args)).toBe(want));

  it.each([
    [{ b: 1, a: '<&>' }, '{"a":"<&>","b":1}'],
    [['\u2028', '\u0001', '\n', 'é'], '["\\u2028","\\u0001","\\n","é"]'],
    [[1.5, 1e21, 1e-7, 100, 0.000001], '[1.5,1e+21,1e-7,100,0.000001]'],
    [null, 'null'],
    [undefined, 'null'],
    [NaN, ''],
    ['\ud800x', '"\ufffdx"'],
  ])('json(%j)', (v, want) => expect(goJson(v)).toBe(want));
});

describe('Template.parse reuse', () => {
  it('parses a text once and runs it over any data', () => {
    const t = Template.parse('{{.Name}}:{{range .Tags}}{{.}},{{end}}');
    expect(Template.parse('{{.Name}}:{{range .Tags}}{{.}},{{end}}')).toBe(t);
    expect(t.execute({ Name: 'a', Tags: ['x', 'y'] })).toBe('a:x,y,');
    expect(t.execute({ Name: 'b', Tags: [] })).toBe('b:');
  });

  it('keeps templates of different names or functions apart', () => {
    const t = Template.parse('{{.X}}');
    expect(Template.parse('{{.X}}', { name: 'other' })).not.toBe(t);
    expect(Template.parse('{{.X}}', { funcs: {} })).not.toBe(t);
    expect(Template.parse('{{json .}}').execute({ a: 1 })).toBe('{"a":1}');
    expect(() => Template.parse('{{json .}}', { funcs: {} })).toThrow('function "json" not defined');
  });

  it('reports a parse error every time', () => {
    for (let i = 0; i < 2; i++) expect(() => Template.parse('{{nope}}')).toThrow('function "nope" not defined');
  });
});
