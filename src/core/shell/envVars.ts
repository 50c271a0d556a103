/**
 * Environment variables, one table: which ones make programs run commands, load code, change
 * how the shell expands words, or send traffic somewhere the command line does not show. Used
 * for prefix assignments (`X=1 cmd`), statements (`X=1; cmd`), `export`/`declare`, and `env X=1`.
 */

export type VarClass =
  /** The value is a command line some program runs (`GIT_SSH_COMMAND`, `EDITOR`, `PAGER`). */
  | 'script'
  /** The program loads code named by the value, or runs code in it (`LD_PRELOAD`, `PERL5DB`, `LESSOPEN`). */
  | 'code'
  /** The value is a proxy, registry or server: traffic goes to its host (`HTTPS_PROXY`, `npm_config_registry`). */
  | 'host'
  /** Points a network client at a configuration file that can name any host (`CURL_HOME`, `WGETRC`). */
  | 'config'
  /** git's own enforcement settings (invariant 3). */
  | 'lane'
  /** Changes how the shell expands later words or resolves later commands. */
  | 'shell';

export interface VarRule {
  match: RegExp;
  class: VarClass;
  why: string;
  /** When given, only values matching it are a concern (`PS4='+ '` is fine, `PS4='$(id)'` is not). */
  risky?: RegExp;
}

export const ENV_VAR_RULES: readonly VarRule[] = [
  { match: /^(GIT_CONFIG.*|GIT_DIR|GIT_COMMON_DIR|GIT_INDEX_FILE|GIT_OBJECT_DIRECTORY|GIT_WORK_TREE|GIT_NAMESPACE)$/, class: 'lane', why: 'overrides git configuration that enforces the lane' },
  { match: /^(GIT_SSH_COMMAND|GIT_SSH|GIT_EXTERNAL_DIFF|GIT_ASKPASS|SSH_ASKPASS|GIT_EDITOR|GIT_SEQUENCE_EDITOR|EDITOR|VISUAL|SUDO_EDITOR|FCEDIT|PAGER|GIT_PAGER|MANPAGER|SYSTEMD_PAGER|BROWSER|GIT_PROXY_COMMAND|RSYNC_RSH|RSYNC_CONNECT_PROG|CVS_RSH|TERMINAL|SHELL|CC|CXX|LD|AR|RUSTC|RUSTC_WRAPPER)$/, class: 'script', why: 'names a command a program runs' },
  { match: /^(PYTHONPATH|NODE_PATH|PERL5LIB|PERLLIB|RUBYLIB)$/, class: 'code', why: 'loads modules from outside the workspace, shadowing the ones the analyser has tables for', risky: /^\/(tmp|dev|proc|var\/tmp)|\.\.|[$`]/ },
  { match: /^(GOFLAGS|CGO_[A-Z_]*FLAGS)$/, class: 'code', why: 'gives the Go toolchain flags that run other programs', risky: /toolexec|exec|overlay|modfile|-fplugin|-B|wrapper|[$`]/ },
  { match: /^(HOME|XDG_CONFIG_HOME)$/, class: 'config', why: 'points network clients at configuration files (`.curlrc`, `.npmrc`, `.gitconfig`) in a directory that can be written', risky: /^[^/]|^\/(tmp|var\/tmp|dev\/shm)(\/|$)/ },
  { match: /^(PS[0-4])$/, class: 'code', why: 'is expanded as a prompt, running any `$(…)` in it', risky: /[$`]/ },
  { match: /^(LESS)$/, class: 'code', why: 'gives `less` start-up commands, which can run programs', risky: /[+!|`$]/ },
  { match: /^(MAKEFLAGS|MFLAGS)$/, class: 'code', why: 'gives `make` options that can run code', risky: /eval|-E|--file|-f|SHELL|=/ },
  { match: /^(GIT_TRACE.*)$/, class: 'code', why: 'makes git write a trace file', risky: /\// },
  { match: /^(LD_PRELOAD|LD_AUDIT|LD_LIBRARY_PATH|DYLD_.*|BASH_ENV|ENV|PROMPT_COMMAND|BASH_ALIASES|BASH_CMDS|BASH_LOADABLES_PATH|SHELLOPTS|BASHOPTS|PERL5OPT|PERL5DB|PERLDB_OPTS|PYTHONSTARTUP|PYTHONHOME|PYTHONWARNINGS|PYTHONBREAKPOINT|PYTHONINSPECT|RUBYOPT|LESSOPEN|LESSCLOSE|LESSKEY|LESSEDIT|TAR_OPTIONS|ZIPOPT|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JDK_JAVA_OPTIONS|MAVEN_OPTS|GRADLE_OPTS|GCONV_PATH|GIT_EXEC_PATH|GIT_TEMPLATE_DIR|MAKEFILES|npm_config_(script_shell|node_options|onload_script|shell|git|editor|browser|viewer)|NPM_CONFIG_(SCRIPT_SHELL|NODE_OPTIONS|ONLOAD_SCRIPT|SHELL|GIT|EDITOR|BROWSER|VIEWER)|PIP_.*(SCRIPT|BUILD).*|CARGO_BUILD_RUSTC.*|GIT_.*_HOOK.*|HISTFILE|TMOUT)$/, class: 'code', why: 'makes a program load or run code the analyser cannot see' },
  { match: /^(HTTP_PROXY|HTTPS_PROXY|ALL_PROXY|FTP_PROXY|RSYNC_PROXY|http_proxy|https_proxy|all_proxy|ftp_proxy|npm_config_.*(registry|proxy)|NPM_CONFIG_.*(REGISTRY|PROXY)|YARN_.*(REGISTRY|PROXY|SERVER)|PIP_(INDEX_URL|EXTRA_INDEX_URL|PROXY|FIND_LINKS)|UV_(INDEX_URL|EXTRA_INDEX_URL|INDEX|DEFAULT_INDEX)|PIPENV_PYPI_MIRROR|POETRY_REPOSITORIES_.*|CARGO_REGISTRIES_.*|CARGO_HTTP_PROXY|GOPROXY|GONOSUMDB|GOSUMDB|DOCKER_HOST|CONTAINER_HOST|BUNDLE_MIRROR.*|GEM_SOURCE|COMPOSER_.*URL.*|HOMEBREW_.*(DOMAIN|MIRROR|URL).*|ANTHROPIC_BASE_URL|OPENAI_BASE_URL|PGHOST|MYSQL_HOST|REDIS_URL|DATABASE_URL)$/, class: 'host', why: 'sends traffic to a host the command line does not show' },
  { match: /^(CURL_HOME|CURLOPT_.*|WGETRC|SYSTEM_WGETRC|NPM_CONFIG_USERCONFIG|npm_config_userconfig|NPM_CONFIG_GLOBALCONFIG|npm_config_globalconfig|PIP_CONFIG_FILE|NETRC|SSH_CONFIG|GIT_SSL_.*|SSL_CERT_FILE|SSL_CERT_DIR|CURL_CA_BUNDLE|REQUESTS_CA_BUNDLE|NODE_EXTRA_CA_CERTS|RESOLV_HOST_CONF|HOSTALIASES|LOCALDOMAIN)$/, class: 'config', why: 'points network clients at configuration that can name any host' },
  { match: /^(IFS|CDPATH|GLOBIGNORE|PATH|FIGNORE|OLDPWD|PWD|HISTIGNORE)$/, class: 'shell', why: 'changes how later words expand or which program a name runs' },
];

export function classifyVar(name: string): VarRule | undefined {
  return ENV_VAR_RULES.find((r) => r.match.test(name));
}
