/**
 * What a file path means to the guard: credentials, the agent's and Warden's own controls,
 * places that make code run later (persistence), privilege files, harmless system reads.
 * Paths are absolute (callers resolve `~` and the working directory first).
 */
import { closeSync, lstatSync, openSync, readFileSync, readSync, readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname, join, normalize, resolve } from 'node:path';
import { PACKAGE_ROOT, defaultAuditDir } from '../paths.ts';
import type { Action } from '../engine/types.ts';

/** How many missing components a path may have below its deepest existing folder (a bound on lstat calls). */
const MAX_MISSING = 32;

/**
 * Where a path really leads when it is (or passes through) a symbolic link on disk: a link in the
 * workspace to ~/.ssh/id_rsa is that key. A file that does not exist yet lands where its deepest
 * existing folder really is (`cfg/authorized_keys` with `cfg` a link to ~/.ssh creates
 * ~/.ssh/authorized_keys), so the rest of the path is appended to that folder's real path.
 * Undefined when nothing on the way is a link.
 */
export function linkTarget(abs: string, hops = 0): string | undefined {
  // (/dev/stderr, /dev/fd/63 of a process substitution: the links of the process's own streams)
  if (/^\/(?:dev|proc)\//.test(abs)) return undefined;
  let dir = abs;
  const rest: string[] = [];
  // (Most paths an agent names do not exist yet: lstat without throwing answers those cheaply.)
  while (!lstatSync(dir, { throwIfNoEntry: false })) {
    const up = dirname(dir);
    if (up === dir || rest.length >= MAX_MISSING) return undefined;
    rest.unshift(basename(dir));
    dir = up;
  }
  const real = realDir(dir, hops);
  if (real === undefined) return undefined;
  const full = join(real, ...rest);
  return full !== abs ? full : undefined;
}

/** How many dangling links in a row are followed (a loop of links stops here). */
const MAX_DANGLING = 8;

/**
 * The real path of something on disk; a dangling link (`k` -> ~/.ssh/authorized_keys before that
 * file exists) leads where writing through it would create its target.
 */
function realDir(p: string, hops: number): string | undefined {
  try {
    return realpathSync.native(p);
  } catch {
    if (hops >= MAX_DANGLING) return undefined;
    try {
      const to = resolve(dirname(p), readlinkSync(p));
      return linkTarget(to, hops + 1) ?? to;
    } catch {
      return undefined;
    }
  }
}

/** Whether a path on disk is itself a symbolic link (one lstat; false when it does not exist). */
export function isLink(abs: string): boolean {
  try {
    return lstatSync(abs, { throwIfNoEntry: false })?.isSymbolicLink() ?? false;
  } catch {
    return false;
  }
}

const rel = (p: string, home: string) => {
  const h = normalize(home);
  return p === h ? '~' : p.startsWith(h + '/') ? '~' + p.slice(h.length) : p;
};

const CREDENTIAL = [
  // (public keys, `*.pub`, are made to be handed out; the private key beside one still matches)
  /^~\/\.ssh\/(?!known_hosts$|config$|authorized_keys$|[^/]*\.pub$)[^/]+$/,
  /^~\/\.aws\/(?:credentials|config|sso\/cache)/,
  /^~\/\.config\/gcloud\//,
  /^~\/\.azure\//,
  /^~\/\.kube\/config$/,
  /^~\/\.docker\/config\.json$/,
  /^~\/\.npmrc$/,
  /^~\/\.pypirc$/,
  /^~\/\.netrc$/,
  /^~\/\.git-credentials$/,
  /^~\/\.gnupg\//,
  /^~\/\.password-store\//,
  /^~\/\.config\/gh\/hosts\.yml$/,
  /^~\/\.config\/hub$/,
  /^~\/\.bash_history$|^~\/\.zsh_history$|^~\/\.python_history$|^~\/\.node_repl_history$/,
  /^~\/\.qwen\/oauth_creds\.json$/,
  /^~\/\.claude\/\.credentials\.json$/,
  /^~\/\.gemini\/oauth_creds\.json$/,
  /^~\/\.codex\/auth\.json$/,
  /^~\/\.config\/(?:google-chrome|chromium|BraveSoftware)\/.*(?:Login Data|Cookies|Local State)$/,
  /^~\/\.mozilla\/.*(?:logins\.json|key4\.db|cookies\.sqlite)$/,
  /^~\/Library\/Keychains\//,
  /^~\/Library\/Cookies\//,
  /^~\/Library\/Application Support\/(?:Google\/Chrome|BraveSoftware|Microsoft Edge|Firefox)\/.*(?:Login Data|Cookies|Local State|Web Data|logins\.json|key4\.db)$/,
  /^~\/\.local\/share\/keyrings\//,
  /^~\/\.vault-token$/,
  /^~\/\.terraform\.d\/credentials/,
  /^~\/\.cargo\/credentials/,
  /^~\/\.config\/(?:op|Bitwarden)/,
  /^~\/\.electrum\/|wallet\.dat$|\/\.bitcoin\//,
  // Database and cloud tool logins kept in the home folder; OAuth tokens of any CLI.
  /^~\/\.(?:pgpass|my\.cnf|mylogin\.cnf|s3cfg|boto|databrickscfg|gem\/credentials|config\/doctl\/config\.yaml|snowsql\/config|oci\/config)$/,
  /^~\/\.config\/[^/]+\/[\w.-]*(?:oauth|creds|token)[\w.-]*\.json$/,
  /^\/etc\/(?:shadow|gshadow|sudoers|master\.passwd)(?:-|$)/,
  /^\/etc\/ssh\/ssh_host_.*_key$/,
  /^\/proc\/(?:\d+|self)\/environ$/,
  /^\/var\/run\/secrets\//,
  /^\/run\/secrets\//,
  // Whole folders of credentials (copied, archived, mounted or searched as one).
  /^~\/(?:\.ssh|\.aws|\.gnupg|\.kube|\.docker|\.azure|\.password-store|\.config\/gcloud|\.config\/gh|\.local\/share\/keyrings|Library\/Keychains)\/?$/,
  /^\/(?:var\/)?run\/secrets\/?$/,
  // Anywhere: dotenv files and key material.
  /(?:^|\/)\.env(?:\.(?!example$|sample$|template$|dist$|defaults$)[\w.-]+)?$/,
  /(?:^|\/)id_(?:rsa|dsa|ecdsa|ed25519)$/,
  /\.(?:pem|key|p12|pfx|jks|keystore|kdbx|ppk|asc)$/,
  /(?:^|\/)(?:credentials|secrets?|service[-_]account)[\w.-]*\.(?:json|ya?ml|toml|ini)$/,
  /(?:^|\/)\.htpasswd$/,
  // Terraform state holds every secret of the infrastructure it describes, in plain text.
  /(?:^|\/)terraform\.tfstate(?:\.backup)?$|\.tfstate$/,
  // Workspace secret files by their tools' conventions: Terraform variables, Cloudflare's .dev.vars,
  // Azure Functions' local settings, Rails' database.yml, Apple's .p8 keys, kubeconfigs, WordPress's
  // config, ASP.NET's per-environment settings, and the home-folder logins when kept in a project.
  /(?:^|\/)[\w.-]*\.tfvars(?:\.json)?$/,
  /(?:^|\/)\.dev\.vars(?:\.[\w-]+)?$/,
  /(?:^|\/)local\.settings\.json$/,
  /(?:^|\/)config\/database\.yml$/,
  /\.p8$/,
  /(?:^|\/)kubeconfig(?:\.[\w-]+)?$|\.kubeconfig$/,
  /(?:^|\/)\.secrets?(?:\.[\w-]+)?$/,
  /(?:^|\/)appsettings\.(?:Production|Staging|Prod)\.json$/i,
  /(?:^|\/)wp-config\.php$/,
  /(?:^|\/)\.(?:pgpass|netrc|git-credentials|my\.cnf|s3cfg|vault-token)$/,
];

/** A path in another account's home folder (/home/alice/…, /Users/bob/…, /root/…) as if it were ~/…. */
const otherHome = (abs: string) => abs.replace(/^\/(?:home|Users)\/[^/]+(?=\/|$)|^\/root(?=\/|$)/, '~');

export function isCredentialPath(abs: string, home: string): boolean {
  const p = rel(abs, home),
    r = otherHome(abs);
  return CREDENTIAL.some((re) => re.test(p) || (r !== abs && re.test(r))) || holdsRegistryToken(abs);
}

/** Package-manager configs that are credentials only when they hold a login (a project's .npmrc often does not). */
const TOKEN_CONFIG = /(?:^|\/)\.(?:npmrc|pypirc|yarnrc\.yml)$/;
const REGISTRY_TOKEN = /_authToken|_auth\s*=|_password|npmAuthToken|npmAuthIdent|^\s*password\s*[=:]/m;
function holdsRegistryToken(abs: string): boolean {
  return abs.startsWith('/') && TOKEN_CONFIG.test(abs) && REGISTRY_TOKEN.test(readBounded(abs));
}

const AGENT_CONTROL = [
  /(?:^|\/)\.qwen\/settings\.json$/,
  /(?:^|\/)\.claude\/settings(?:\.local)?\.json$/,
  /(?:^|\/)\.claude\/hooks\//,
  /(?:^|\/)\.gemini\/settings\.json$/,
  /^\/etc\/qwen-code\//,
  /^\/etc\/claude-code\//,
  /^\/etc\/gemini-cli\//,
  /^\/Library\/Application Support\/ClaudeCode\//,
  /(?:^|\/)\.warden\.ya?ml$/,
  // The scanner's default baseline: a fingerprint written there is a finding switched off.
  /(?:^|\/)\.warden-baseline\.json$/,
  /(?:^|\/)\.warden\//,
  /^~\/\.warden(?:\/|$)/,
  /(?:^|\/)warden-policy\.ya?ml$/,
  // Warden's own policy, per user and for the machine.
  /^~\/\.config\/warden(?:\/|$)/,
  /^\/etc\/warden(?:\/|$)/,
  // An installed copy of Warden itself: the hooks run it.
  /(?:^|\/)node_modules\/(?:@[\w.-]+\/)?warden(?:\/|$)/,
  /^~\/\.qwen(?:\/|$)(?!.*\/(?:tmp|projects|todos)\/)/,
  /^~\/\.claude\.json$/,
  // What an agent reads as instructions or runs as tools, in a project or the home folder: MCP
  // servers, custom slash commands, sub-agents, skills, extensions, hooks and Codex's config.
  /(?:^|\/)\.mcp\.json$/,
  // (Cursor's and VS Code's project MCP servers: the programs those agents start in this project)
  /(?:^|\/)\.(?:cursor|vscode)\/mcp\.json$/,
  /(?:^|\/)\.(?:claude|qwen|gemini|codex)\/(?:commands|agents|skills|extensions|hooks|prompts)\//,
  /(?:^|\/)\.(?:qwen|gemini)\/settings\.json$/,
  /(?:^|\/)\.codex\/(?:config\.toml|hooks\.json)$/,
  /^~\/\.(?:gemini|codex)(?:\/|$)(?!.*\/(?:tmp|sessions|log|history\.jsonl)(?:\/|$))/,
];
export function isAgentControlPath(abs: string, home: string): boolean {
  const p = rel(abs, home);
  // (and this copy of Warden itself, wherever it is installed: the hooks run its code; and its
  // audit folder, wherever $WARDEN_HOME puts it)
  const under = (dir: string) => abs === dir || abs.startsWith(dir + '/');
  return (
    AGENT_CONTROL.some((r) => r.test(p)) ||
    under(PACKAGE_ROOT) ||
    under(normalize(defaultAuditDir())) ||
    isConfiguredBaseline(abs)
  );
}

/** `baseline: FILE` in a `.warden.yml` (a plain or quoted scalar at the top level). */
const BASELINE_KEY = /^baseline:[ \t]*(["']?)([^"'#\n]+?)\1[ \t]*(?:#.*)?$/m;
/** How many folders up from a written file a `.warden.yml` is looked for (a repository is rarely deeper). */
const MAX_CONFIG_DEPTH = 32;

/**
 * Whether a path is the baseline that a `.warden.yml` in one of its folders names (relative to that
 * config's folder, or to the working folder as older scans read it): writing it switches findings off.
 */
export function isConfiguredBaseline(abs: string): boolean {
  let dir = dirname(abs);
  for (let i = 0; i < MAX_CONFIG_DEPTH; i++) {
    for (const name of ['.warden.yml', '.warden.yaml']) {
      const named = configBaseline(join(dir, name));
      if (named && (resolve(dir, named) === abs || resolve(named) === abs)) return true;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return false;
}

function configBaseline(configPath: string): string | undefined {
  try {
    if (!lstatSync(configPath, { throwIfNoEntry: false })?.isFile()) return undefined;
    return BASELINE_KEY.exec(readFileSync(configPath, 'utf8'))?.[2];
  } catch {
    return undefined;
  }
}

const PERSISTENCE = [
  /^~\/\.(?:bashrc|bash_profile|bash_login|bash_logout|profile|zshrc|zprofile|zshenv|zlogin|kshrc|cshrc|tcshrc|inputrc|xinitrc|xprofile|xsessionrc)$/,
  /^~\/\.config\/fish\/config\.fish$/,
  /^~\/\.ssh\/(?:authorized_keys2?|rc|environment|config)$/,
  /^~\/\.config\/autostart\//,
  /^~\/\.config\/systemd\//,
  /^~\/\.local\/share\/systemd\//,
  /^~\/Library\/LaunchAgents\//,
  /^\/Library\/Launch(?:Agents|Daemons)\//,
  /^\/etc\/(?:profile|bash\.bashrc|zsh\/|environment|rc\.local|crontab|cron\.|anacrontab|init\.d\/|systemd\/|xdg\/autostart|ld\.so\.preload|update-motd\.d\/)/,
  /^\/var\/spool\/cron/,
  /^\/(?:usr\/)?lib\/systemd\//,
  /(?:^|\/)\.git\/hooks\/[^/]+$/,
  /(?:^|\/)\.git\/config$/,
  // Tool configs and start-up folders in the home folder that run code: git (XDG), cargo's wrappers,
  // Gradle init scripts, IPython start-up files, Neovim, tmux, direnv, Bun preloads, Yarn's yarnPath.
  /^~\/\.config\/git\/(?:config$|hooks\/)/,
  /^~\/\.cargo\/config(?:\.toml)?$/,
  /^~\/\.gradle\/(?:init\.d\/|init\.gradle(?:\.kts)?$)/,
  /^~\/\.ipython\/profile_[^/]+\/startup\//,
  /^~\/\.config\/nvim\/init\.(?:vim|lua)$/,
  /^~\/\.tmux\.conf$/,
  /^~\/\.config\/direnv\//,
  /^~\/\.bunfig\.toml$/,
  /^~\/\.yarnrc\.yml$/,
  /(?:^|\/)\.husky\/(?!_\/)[^/]+$/,
  /^~\/\.(?:vimrc|exrc|gitconfig|npmrc|yarnrc|pip\/pip\.conf|config\/pip\/pip\.conf|pythonrc)$/,
  /^~\/\.(?:bash_aliases|zsh_aliases|config\/fish\/conf\.d\/[^/]+|git-templates\/hooks\/[^/]+)$/,
  // Project files that make tools run code later: a worktree's git config, the project's program shims that npm scripts and a virtualenv
  // put first on PATH, Python's start-up hooks, Yarn's config (yarnPath), hook managers' configs.
  /(?:^|\/)\.git\/(?:config\.worktree|worktrees\/[^/]+\/config(?:\.worktree)?)$/,
  /(?:^|\/)node_modules\/\.bin\/[^/]+$/,
  /(?:^|\/)(?:\.?venv|env)\/(?:bin|Scripts)\/[^/]+$/,
  /(?:^|\/)(?:site|user)customize\.py$|(?:^|\/)site-packages\/[^/]+\.pth$/,
  /(?:^|\/)\.yarnrc\.yml$/,
  /(?:^|\/)\.pre-commit-config\.ya?ml$|(?:^|\/)\.?lefthook(?:-local)?\.ya?ml$/,
];
export function isPersistencePath(abs: string, home: string): boolean {
  const p = rel(abs, home),
    o = otherHome(abs);
  return PERSISTENCE.some((r) => r.test(p) || (o !== abs && r.test(o)));
}

/** The repository's git hooks and the configs of hook managers (husky, lefthook, pre-commit). */
export function isGitHookPath(abs: string): boolean {
  return /(?:^|\/)\.git\/hooks(?:\/[^/]+)?\/?$|(?:^|\/)\.husky(?:\/(?!_\/)[^/]+)?\/?$|(?:^|\/)\.?lefthook(?:-local)?\.ya?ml$|(?:^|\/)\.pre-commit-config\.ya?ml$|(?:^|\/)\.huskyrc(?:\.\w+)?$/.test(
    abs,
  );
}

export function isPrivilegedPath(abs: string): boolean {
  return /^\/etc\/(?:passwd|group|shadow|gshadow|sudoers|sudoers\.d\/|security\/|pam\.d\/|polkit|doas\.conf|ssh\/sshd_config)/.test(
    abs,
  );
}

/** Temp folders anyone can write to. */
const TEMP = String.raw`(?:tmp|var/tmp|dev/shm)`;
const SCRATCH = new RegExp(String.raw`^/${TEMP}(?:/|$)|^/dev/(?:null|zero|stdout|stderr|stdin|tty|fd/\d+)$`);
const IN_TEMP = new RegExp(String.raw`^(?:/private)?/${TEMP}/`);

/** Temporary and null locations: writing or deleting there is nobody's loss. */
export function isScratchPath(abs: string): boolean {
  return SCRATCH.test(abs);
}

/** A file inside a temp folder anyone can write to (macOS's /private/tmp too). */
export function isTempPath(abs: string): boolean {
  return IN_TEMP.test(abs);
}

/** System files whose contents are public knowledge (reading them leaks nothing of the company's). */
export function isHarmlessSystemRead(abs: string): boolean {
  return (
    /^\/(?:usr\/(?:share|include|lib|local\/lib|local\/include|local\/share|bin|sbin|local\/bin)|bin|sbin|lib|lib64|opt)\//.test(
      abs,
    ) ||
    /^\/etc\/(?:os-release|lsb-release|debian_version|hostname|hosts|resolv\.conf|timezone|localtime|issue|shells|mime\.types|services|protocols|apt\/sources\.list)$/.test(
      abs,
    ) ||
    /^\/proc\/(?:cpuinfo|meminfo|version|uptime|loadavg|mounts|stat|filesystems|self\/(?:status|limits|cgroup))$/.test(
      abs,
    ) ||
    /^\/sys\/(?:class|devices|fs\/cgroup)\//.test(abs) ||
    // SSH public keys are made to be handed out (a link named *.pub to a private key is judged by its target)
    /\/\.ssh\/[^/]+\.pub$/.test(abs) ||
    /^\/dev\/(?:u?random|null|zero|stdin)$/.test(abs)
  );
}

/** Where a call runs: its working folder, the project (its normal work) and the home folder. */
export interface Where {
  cwd: string;
  workspace: string;
  home: string;
}

/** A path as the call names it, made absolute (`~` is the home folder, relative is from cwd). */
export function absolutePath(p: string, w: Where): string {
  return normalize(resolve(w.cwd, p === '~' || p.startsWith('~/') ? w.home + p.slice(1) : p));
}

function inWorkspace(abs: string, workspace: string): boolean {
  return abs === workspace || abs.startsWith(workspace.endsWith('/') ? workspace : workspace + '/');
}

const realWorkspaces = new Map<string, string>();
/** Inside the workspace as named or as it really is on disk (the project folder may itself be a link). */
export function insideWorkspace(abs: string, workspace: string): boolean {
  if (inWorkspace(abs, workspace)) return true;
  let real = realWorkspaces.get(workspace);
  if (real === undefined) {
    try {
      real = realpathSync.native(workspace);
    } catch {
      real = workspace;
    }
    if (realWorkspaces.size > 64) realWorkspaces.clear();
    realWorkspaces.set(workspace, real);
  }
  return inWorkspace(abs, real);
}

/**
 * What reading or writing a file does: a credential read, a write to the agent's or Warden's
 * controls, to a start-up file or to privilege files, or work outside the workspace. A symbolic
 * link to one of those is judged as its target. At most one action: the most telling one.
 */
export function pathActions(path: string, mode: 'read' | 'write', command: string, w: Where): Action[] {
  const { home } = w;
  const lexical = absolutePath(path, w),
    target = linkTarget(lexical);
  // (A link out of the workspace is judged where it lands: a new file in ~/.git-templates/hooks is
  // outside the project even when no list names it.)
  const sensitive =
    target !== undefined &&
    (isCredentialPath(target, home) ||
      !insideWorkspace(target, w.workspace) ||
      (mode === 'write' &&
        (isAgentControlPath(target, home) || isPersistencePath(target, home) || isPrivilegedPath(target))));
  const a = sensitive ? target : lexical;
  if (sensitive) path = `${path} (a link to ${target})`;
  const act = (capability: Action['capability'], detail: string): Action[] => [
    { capability, detail, command, paths: [a] },
  ];
  const verb = mode === 'read' ? 'reads' : 'writes';
  if (mode === 'write' && isAgentControlPath(a, home))
    return act('agent-tamper', `writes ${path}, which controls the agent's or Warden's guard`);
  if (isCredentialPath(a, home)) return act('credential-access', `${verb} ${path}, a credential or secret file`);
  if (mode === 'write' && (isPersistencePath(a, home) || isConfiguredHooksPath(a)))
    return act('persistence', `writes ${path}, which runs code at login, on a schedule or on git events`);
  if (mode === 'write' && isPrivilegedPath(a))
    return act('privilege', `writes ${path}, which controls users or privileges`);
  if (!inWorkspace(a, w.workspace) && !isScratchPath(a) && !(mode === 'read' && isHarmlessSystemRead(a)))
    return act(
      mode === 'read' ? 'read-outside' : 'write-outside',
      `${verb} ${path}, outside the workspace (${w.workspace})`,
    );
  return [];
}

/** How much of a repository config is read (a config of more is not a developer's). */
const MAX_CONFIG_BYTES = 256 * 1024;
/** How many folders up the repository's .git is looked for. */
const MAX_REPO_DEPTH = 32;

/** The repository's .git/config (and config.worktree) above a path, read with a bound; '' when none. */
export function repoConfig(abs: string): string {
  let dir = dirname(abs);
  for (let i = 0; i < MAX_REPO_DEPTH; i++) {
    const git = basename(dir) === '.git' ? dir : join(dir, '.git');
    if (lstatSync(git, { throwIfNoEntry: false })?.isDirectory())
      return ['config', 'config.worktree'].map((f) => readBounded(join(git, f))).join('\n');
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return '';
}

function readBounded(file: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(MAX_CONFIG_BYTES);
    return buf.toString('utf8', 0, readSync(fd, buf, 0, MAX_CONFIG_BYTES, 0));
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Whether a path lies in the folder a repository's `core.hooksPath` names (relative to the
 * repository's top folder): files there run on git events like .git/hooks.
 */
export function isConfiguredHooksPath(abs: string): boolean {
  let dir = dirname(abs);
  for (let i = 0; i < MAX_REPO_DEPTH; i++) {
    if (lstatSync(join(dir, '.git'), { throwIfNoEntry: false })?.isDirectory()) {
      const m = /^\s*hooksPath\s*=\s*"?([^"\n]+?)"?\s*$/im.exec(repoConfig(join(dir, '.git', 'config')));
      if (!m) return false;
      const hooks = resolve(dir, m[1].replace(/^~(?=\/|$)/, process.env.HOME ?? '~'));
      return abs.startsWith(hooks + '/');
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return false;
}
