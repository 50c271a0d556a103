/**
 * Commands that reach the network. Every host they may contact becomes a `net.fetch`; uploads
 * and downloads become file reads and writes.
 */
import { hostPort, scpHost, urlHost, urlHosts, type HostPort } from '../urlHost';
import { literalArg, type Arg } from '../words';
import { flagValues, hasFlag, parseArgs } from './args';
import type { Handler, Invocation } from './types';

/** A host we cannot name (variable, remote alias): never on an allow-list, so it is denied. */
function unknownHost(label: string): HostPort {
  return { host: label };
}

export function netFromUrl(inv: Invocation, arg: Arg): void {
  if (arg.dynamic) {
    inv.out.net(unknownHost(`(${arg.value})`), inv.text, arg.value);
    return;
  }
  const file = /^file:\/\/(?:localhost)?(.*)$/i.exec(arg.value);
  if (file) {
    inv.out.read({ ...arg, value: file[1], path: file[1] }, inv.text);
    return;
  }
  for (const hp of urlHosts(arg.value)) inv.out.net(hp, inv.text, arg.value);
}

/** `@file` / `<file` payload arguments (curl -d @f, -F x=@f). */
function uploadRef(inv: Invocation, a: Arg, form: boolean): void {
  const text = a.value;
  const m = form ? /^[^=]*=[@<]([^;]*)/.exec(text) : /^@(.*)$/.exec(text);
  if (m && m[1] !== '-' && m[1] !== '') inv.out.read({ ...a, value: m[1], path: m[1] }, inv.text);
}

const CURL_VALUE = ['o', 'd', 'F', 'T', 'H', 'X', 'u', 'A', 'e', 'b', 'c', 'K', 'x', 'w', 'm', 'r', 'E', 'U', 'Q', 'y', 'Y', 'z', 'C', 't', 'P',
  'output', 'data', 'data-binary', 'data-raw', 'data-ascii', 'data-urlencode', 'form', 'form-string', 'upload-file', 'header', 'request', 'user', 'user-agent',
  'referer', 'cookie', 'cookie-jar', 'config', 'proxy', 'write-out', 'max-time', 'range', 'cert', 'key', 'cacert', 'capath', 'url', 'resolve', 'connect-to',
  'dns-servers', 'unix-socket', 'abstract-unix-socket', 'output-dir', 'json', 'proxy-user', 'connect-timeout', 'retry', 'interface', 'local-port', 'netrc-file',
  'preproxy', 'socks4', 'socks4a', 'socks5', 'socks5-hostname', 'trace', 'trace-ascii', 'stderr', 'dump-header', 'D', 'oauth2-bearer', 'variable', 'expand-url', 'doh-url', 'hsts', 'alt-svc', 'etag-save', 'etag-compare', 'limit-rate', 'speed-time', 'speed-limit', 'retry-delay', 'retry-max-time', 'max-filesize', 'ciphers', 'tls-max', 'url-query', 'aws-sigv4', 'pinnedpubkey'];

const curl: Handler = (inv) => {
  const p = parseArgs(inv.args, { withValue: CURL_VALUE });
  const urls = [...p.operands, ...flagValues(p, 'url')];
  for (const u of urls) netFromUrl(inv, u);
  for (const f of p.flags) {
    const v = f.value;
    if (!v) {
      if (f.name === 'O' || f.name === 'remote-name' || f.name === 'remote-name-all') {
        for (const u of urls) inv.out.write(basenameOfUrl(u), inv.text);
      }
      continue;
    }
    switch (f.name) {
      case 'o': case 'output': case 'c': case 'cookie-jar': case 'D': case 'dump-header': case 'trace': case 'trace-ascii': case 'stderr': case 'etag-save': case 'hsts': case 'alt-svc':
        if (v.value !== '-') inv.out.write(v, inv.text);
        break;
      case 'output-dir':
        inv.out.tree('file.write', v, inv.text);
        break;
      case 'd': case 'data': case 'data-binary': case 'data-ascii': case 'json':
        uploadRef(inv, v, false);
        break;
      case 'data-urlencode':
        if (/^[^=]*@/.test(v.value)) uploadRef(inv, { ...v, value: v.value.slice(v.value.indexOf('@')) }, false);
        break;
      case 'F': case 'form':
        uploadRef(inv, v, true);
        break;
      case 'T': case 'upload-file': case 'cert': case 'key': case 'cacert': case 'netrc-file': case 'etag-compare':
        inv.out.read(v, inv.text);
        break;
      case 'b': case 'cookie':
        if (!v.value.includes('=')) inv.out.read(v, inv.text);
        break;
      case 'K': case 'config':
        inv.out.read(v, inv.text);
        inv.out.unanalyzable(`curl config file \`${v.value}\` can name hosts the analyser cannot see`, inv.text);
        break;
      case 'x': case 'proxy': case 'preproxy': case 'socks4': case 'socks4a': case 'socks5': case 'socks5-hostname': case 'doh-url':
        netFromUrl(inv, v);
        break;
      case 'resolve': case 'connect-to': {
        // HOST:PORT:ADDR[:PORT] – the connection really goes to ADDR
        const parts = v.value.replace(/^\+/, '').split(':');
        const addr = parts.slice(2).join(':').replace(/^\[|\]$/g, '').replace(/:\d+$/, '');
        if (addr) inv.out.net({ host: addr.toLowerCase() }, inv.text);
        break;
      }
      case 'dns-servers':
        for (const s of v.value.split(',')) { const hp = hostPort(s); if (hp) inv.out.net(hp, inv.text); }
        break;
      case 'unix-socket': case 'abstract-unix-socket':
        inv.out.write(v, inv.text);
        break;
    }
  }
};

function basenameOfUrl(u: Arg): Arg {
  const path = u.value.replace(/[?#].*$/, '').replace(/^[a-z]+:\/\/[^/]*/i, '');
  const base = path.split('/').pop() || 'index.html';
  return { ...u, value: base, path: u.dynamic ? '*' : base, glob: u.dynamic || u.glob };
}

const wget: Handler = (inv) => {
  const p = parseArgs(inv.args, { withValue: ['config', 'O', 'o', 'a', 'P', 'i', 'e', 'U', 'output-document', 'output-file', 'append-output', 'directory-prefix', 'input-file', 'execute', 'user-agent', 'post-file', 'body-file', 'post-data', 'header', 'user', 'password', 'load-cookies', 'save-cookies', 'certificate', 'private-key', 'ca-certificate', 'method', 'body-data', 'B', 'base', 't', 'tries', 'T', 'timeout', 'w', 'wait', 'l', 'level', 'A', 'R', 'accept', 'reject', 'D', 'domains', 'bind-address'] });
  for (const u of p.operands) netFromUrl(inv, u);
  for (const f of p.flags) {
    const v = f.value;
    if (!v) continue;
    if (['O', 'output-document', 'o', 'output-file', 'a', 'append-output', 'save-cookies'].includes(f.name)) { if (v.value !== '-') inv.out.write(v, inv.text); }
    else if (['P', 'directory-prefix'].includes(f.name)) inv.out.tree('file.write', v, inv.text);
    else if (['post-file', 'body-file', 'load-cookies', 'certificate', 'private-key', 'ca-certificate'].includes(f.name)) inv.out.read(v, inv.text);
    else if (['i', 'input-file'].includes(f.name)) {
      inv.out.read(v, inv.text);
      inv.out.unanalyzable(`wget input file \`${v.value}\` names hosts the analyser cannot see`, inv.text);
    } else if (['e', 'execute'].includes(f.name)) {
      // a wgetrc command: proxies name hosts; anything beyond a few harmless settings is unknown
      const m = /^\s*([\w-]+)\s*=\s*(.*)$/.exec(v.value);
      if (m && /proxy$/i.test(m[1].replace(/[-_]/g, '')) && !/^(use|no)/i.test(m[1])) netFromUrl(inv, { ...v, value: m[2].includes('://') ? m[2] : `http://${m[2]}` });
      else if (!m || !/^(robots|tries|timeout|wait|verbose|quiet|check_?certificate|user_?agent|use_?proxy|no_?proxy|retry_?connrefused|progress|continue|timestamping)$/i.test(m[1])) {
        inv.out.unanalyzable(`\`wget -e ${v.value}\` runs a wgetrc command the analyser has no table for`, inv.text);
      }
    } else if (['config'].includes(f.name)) {
      inv.out.read(v, inv.text);
      inv.out.net({ host: `(hosts from wgetrc \`${v.value}\`)` }, inv.text);
    }
  }
  const named = p.flags.some((f) => ['O', 'output-document', 'P', 'directory-prefix'].includes(f.name));
  if (!named && !hasFlag(p, 'spider', 'S', 'q', 'version', 'help') || (!named && hasFlag(p, 'q'))) {
    for (const u of p.operands) inv.out.write(basenameOfUrl(u), inv.text);
  }
  if (hasFlag(p, 'r', 'recursive', 'm', 'mirror') && !named) inv.out.write({ value: '**', path: '**', glob: true, dynamic: false }, inv.text, true);
};

/** `nc host port`, `telnet host port`; `-e/-c` run a program wired to the socket. */
const netcat: Handler = (inv) => {
  const p = parseArgs(inv.args, { withValue: ['p', 's', 'w', 'i', 'X', 'x', 'e', 'c', 'q', 'I', 'O', 'T', 'V', 'M', 'm', 'source', 'source-port', 'exec', 'sh-exec', 'lua-exec', 'proxy', 'proxy-type', 'wait', 'idle-timeout', 'o', 'output', 'append-output'] });
  for (const f of p.flags) {
    if (!f.value) continue;
    if (['e', 'exec'].includes(f.name)) inv.run([f.value]);
    else if (['c', 'sh-exec'].includes(f.name)) inv.script(f.value, inv.text);
    else if (f.name === 'lua-exec') inv.out.read(f.value, inv.text);
    else if (['x', 'proxy'].includes(f.name)) { const hp = hostPort(f.value.value); if (hp) inv.out.net(hp, inv.text); }
    else if (['o', 'output', 'append-output'].includes(f.name)) inv.out.write(f.value, inv.text);
  }
  const listening = hasFlag(p, 'l', 'listen');
  const [host, port] = p.operands;
  if (listening && !host?.value.match(/[a-z.:]/i)) {
    inv.out.net({ host: '(listen)', ...(host && /^\d+$/.test(host.value) ? { port: Number(host.value) } : {}) }, inv.text);
    return;
  }
  if (!host) return;
  const hp = host.dynamic ? unknownHost(`(${host.value})`) : { host: host.value.toLowerCase().replace(/\.+$/, '').replace(/^\[|\]$/g, '') };
  inv.out.net(port && /^\d+$/.test(port.value) ? { ...hp, port: Number(port.value) } : hp, inv.text);
};

/** socat ADDRESS ADDRESS: TCP:host:port, OPENSSL:…, EXEC:/SYSTEM: (programs), FILE:/OPEN: paths. */
const socat: Handler = (inv) => {
  const p = parseArgs(inv.args, {});
  for (const a of p.operands) {
    const [type, ...rest] = a.value.split(/[:,]/);
    const t = type.toUpperCase();
    if (/^(TCP|TCP4|TCP6|UDP|UDP4|UDP6|OPENSSL|SSL|SCTP|SOCKS4|SOCKS4A|SOCKS5|PROXY|DCCP)$/.test(t)) {
      const hp = hostPort(`${rest[0] ?? ''}:${rest[1] ?? ''}`);
      if (hp) inv.out.net(hp, inv.text);
    } else if (/-LISTEN$|^TCP-L$|^UDP-RECV/.test(t)) {
      inv.out.net({ host: '(listen)' }, inv.text);
    } else if (t === 'EXEC' || t === 'SYSTEM') {
      inv.script(literalArg(a.value.slice(type.length + 1).split(',')[0]), inv.text);
    } else if (/^(FILE|OPEN|CREATE|GOPEN|CREAT)$/.test(t)) {
      const target = literalArg(rest[0] ?? '');
      inv.out.read(target, inv.text);
      inv.out.write(target, inv.text);
    }
  }
};

const SSH_VALUE = ['p', 'i', 'l', 'o', 'F', 'J', 'L', 'R', 'D', 'W', 'b', 'c', 'e', 'E', 'm', 'O', 'Q', 'S', 'w', 'B', 'I', 'P'];

function sshOptions(inv: Invocation, flags: ReturnType<typeof parseArgs>['flags']): void {
  for (const f of flags) {
    if (!f.value) continue;
    if (f.name === 'i') inv.out.read(f.value, inv.text);
    else if (f.name === 'F') { inv.out.read(f.value, inv.text); inv.out.net({ host: `(hosts from ssh config \`${f.value.value}\`)` }, inv.text); }
    else if (f.name === 'E') inv.out.write(f.value, inv.text);
    else if (f.name === 'J') for (const j of f.value.value.split(',')) { const hp = urlHost(j); if (hp) inv.out.net(hp, inv.text); }
    else if (f.name === 'F') inv.out.net({ host: `(hosts from ssh config \`${f.value.value}\`)` }, inv.text);
    else if (f.name === 'o' && /^\s*(Hostname|Host|ProxyJump|Include|CanonicalDomains|CanonicalizeHostname)\s*[= ]/i.test(f.value.value) && !/^\s*ProxyJump/i.test(f.value.value)) {
      const v = f.value.value.replace(/^\s*\w+\s*[= ]\s*/, '');
      if (/^\s*(Include|CanonicalDomains|CanonicalizeHostname)/i.test(f.value.value) || f.value.dynamic) inv.out.net({ host: `(ssh option \`${f.value.value}\`)` }, inv.text);
      else { const hp = urlHost(`ssh://${v}`); if (hp) inv.out.net(hp, inv.text); }
    } else if (f.name === 'o' && /^\s*(ProxyCommand|LocalCommand|KnownHostsCommand|PermitLocalCommand|Match|RemoteCommand|SecurityKeyProvider|PKCS11Provider|SendEnv|SetEnv)/i.test(f.value.value)) {
      inv.out.unanalyzable(`ssh option \`${f.value.value}\` runs a local command`, inv.text);
    } else if (f.name === 'o' && /^ProxyJump[= ]/i.test(f.value.value)) {
      const hp = urlHost(f.value.value.replace(/^ProxyJump[= ]\s*/i, ''));
      if (hp) inv.out.net(hp, inv.text);
    } else if (f.name === 'S' && inv.name !== 'ssh') {
      inv.out.unanalyzable(`\`${inv.name} -S\` replaces ssh with another program`, inv.text);
    }
  }
}

const ssh: Handler = (inv) => {
  const p = parseArgs(inv.args, { withValue: SSH_VALUE, stopAtOperand: true });
  sshOptions(inv, p.flags);
  const dest = p.operands[0];
  if (!dest) return;
  const port = flagValues(p, 'p')[0];
  const hp = dest.dynamic ? unknownHost(`(${dest.value})`) : urlHost(dest.value.startsWith('ssh://') ? dest.value : `ssh://${dest.value}`);
  if (hp) inv.out.net(port && /^\d+$/.test(port.value) && hp.port === undefined ? { ...hp, port: Number(port.value) } : hp, inv.text);
};

/** scp/rsync/sftp: `[user@]host:path` operands are remote; local sources read, local dest written. */
function copyRemote(valueFlags: string[]): Handler {
  return (inv) => {
    const p = parseArgs(inv.args, { withValue: valueFlags });
    sshOptions(inv, p.flags);
    for (const f of p.flags) {
      if (!f.value) continue;
      if (['files-from', 'exclude-from', 'include-from', 'password-file'].includes(f.name)) inv.out.read(f.value, inv.text);
      if (['e', 'rsh'].includes(f.name)) inv.script(f.value, inv.text); // the remote shell is a local command line
      if (f.name === 'rsync-path' || (inv.name === 'sftp' && f.name === 'b')) inv.out.unanalyzable(`\`${inv.name}\` option runs commands the analyser cannot see`, inv.text);
    }
    const ops = p.operands;
    if (inv.name === 'sftp') {
      if (ops[0]) { const hp = urlHost(ops[0].value.startsWith('sftp://') ? ops[0].value : `sftp://${ops[0].value}`); if (hp) inv.out.net(hp, inv.text); }
      return;
    }
    const recursive = inv.name === 'rsync' ? hasFlag(p, 'r', 'a', 'recursive', 'archive') : hasFlag(p, 'r');
    ops.forEach((o, k) => {
      const remote = o.value.startsWith('rsync://') ? urlHost(o.value) : o.value.includes('::') ? { host: o.value.split('::')[0].split('@').pop()?.toLowerCase() ?? '' } : scpHost(o.value);
      if (remote) {
        inv.out.net(remote, inv.text);
        return;
      }
      const isDest = k === ops.length - 1 && ops.length > 1;
      if (isDest) inv.out.tree('file.write', o, inv.text);
      else if (recursive) inv.out.tree('file.read', o, inv.text);
      else inv.out.read(o, inv.text);
    });
  };
}

/** DNS and reachability tools: the names they resolve leave the machine (DNS exfiltration). */
const lookup: Handler = (inv) => {
  const p = parseArgs(inv.args, { withValue: ['p', 'f', 'k', 'b', 'c', 'q', 't', 'x', 'y', 'c', 'i', 's', 'W', 'w', 'I', 'm', 'h', 'T', 'type', 'class', 'port'] });
  for (const f of flagValues(p, 'f', 'k')) inv.out.read(f, inv.text);
  for (const o of p.operands) {
    if (/^[+]/.test(o.value) || /^(A|AAAA|MX|TXT|NS|CNAME|SOA|PTR|SRV|ANY|IN|CH)$/i.test(o.value)) continue;
    const name = o.value.replace(/^@/, '');
    if (o.dynamic) { inv.out.net(unknownHost(`(${o.value})`), inv.text); continue; }
    const hp = urlHost(name);
    if (hp) inv.out.net(hp, inv.text);
  }
};

const openssl: Handler = (inv) => {
  const [sub, ...rest] = inv.args;
  const p = parseArgs(rest, { singleDashLong: true, withValue: ['in', 'out', 'inkey', 'key', 'cert', 'CAfile', 'connect', 'pass', 'passin', 'passout', 'kfile', 'signkey', 'config', 'servername', 'proxy', 'k', 'K', 'iv', 'md', 'subj', 'days', 'newkey', 'keyout', 'CA', 'CAkey', 'extfile', 'rand', 'writerand', 'sign', 'verify', 'signature', 'name', 'host', 'port', 'accept'] });
  for (const f of p.flags) {
    if (!f.value) continue;
    if (['in', 'inkey', 'key', 'cert', 'CAfile', 'kfile', 'signkey', 'config', 'CA', 'CAkey', 'extfile', 'sign', 'verify', 'signature', 'rand'].includes(f.name)) inv.out.read(f.value, inv.text);
    else if (['out', 'keyout', 'writerand'].includes(f.name)) inv.out.write(f.value, inv.text);
    else if (['connect', 'proxy'].includes(f.name)) { const hp = f.value.dynamic ? { host: `(${f.value.value})` } : hostPort(f.value.value); if (hp) inv.out.net(hp, inv.text); }
    else if (f.name === 'host') inv.out.net({ host: f.value.dynamic ? `(${f.value.value})` : f.value.value.toLowerCase() }, inv.text);
    else if (['pass', 'passin', 'passout'].includes(f.name) && /^file:/.test(f.value.value)) inv.out.read(f.value.value.slice(5), inv.text);
  }
  if (sub && ['s_server'].includes(sub.value)) inv.out.net({ host: '(listen)' }, inv.text);
  // OpenSSL 3 takes `s_client HOST:PORT` as an operand too
  if (sub && sub.value === 's_client') for (const o of p.operands) { const hp = o.dynamic ? { host: `(${o.value})` } : hostPort(o.value); if (hp) inv.out.net(hp, inv.text); }
  for (const o of p.operands) if (sub && ['dgst', 'sha256', 'md5', 'x509', 'rsa', 'enc', 'base64'].includes(sub.value)) inv.out.read(o, inv.text);
};

export const NETWORK: Array<[string[], Handler]> = [
  [['curl'], curl],
  [['wget', 'wget2'], wget],
  [['nc', 'ncat', 'netcat', 'telnet'], netcat],
  [['socat'], socat],
  [['ssh', 'mosh', 'autossh'], ssh],
  [['scp'], copyRemote(['P', 'i', 'o', 'F', 'J', 'l', 'c', 'S', 'D', 'X'])],
  [['rsync'], copyRemote(['e', 'rsh', 'files-from', 'exclude-from', 'include-from', 'password-file', 'exclude', 'include', 'filter', 'f', 'rsync-path', 'port', 'chmod', 'chown', 'B', 'block-size', 'T', 'temp-dir', 'compare-dest', 'copy-dest', 'link-dest', 'backup-dir', 'suffix', 'max-size', 'min-size', 'timeout', 'bwlimit', 'log-file', 'out-format', 'partial-dir'])],
  [['sftp'], copyRemote(['P', 'i', 'o', 'F', 'J', 'l', 'b', 'B', 'c', 'D', 'R', 'S', 's'])],
  [['dig', 'nslookup', 'host', 'drill', 'ping', 'ping6', 'traceroute', 'traceroute6', 'tracepath', 'mtr', 'whois', 'ftp', 'tftp', 'lftp', 'resolvectl', 'getent'], lookup],
  [['openssl'], openssl],
];
