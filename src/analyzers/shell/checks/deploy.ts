/**
 * Acting on shared infrastructure: clusters, cloud accounts, infrastructure as code, GitHub.
 */
import { check, DONE } from './registry.ts';
import { alt } from '../tables.ts';

/** Subcommands of infrastructure-as-code tools that change nothing (plans, checks, output). */
const INFRA_READ_ONLY = new RegExp(
  String.raw`^${alt([
    'fmt',
    'validate',
    'version',
    'init',
    'plan',
    'preview',
    'graph',
    'providers',
    'output',
    'show',
    'synth',
    'diff',
    'list',
    'ls',
    '--version',
    '-version',
    'help',
  ])}$`,
);

/** Cloud CLI calls that only list or describe (`aws s3 ls`, `aws ec2 describe-instances`, `gcloud … list`). */
const CLOUD_READ_ONLY =
  /^(?:[\w-]+ )?(?:[\w-]+ )?(?:ls|list|describe|show|describe-[\w-]+|list-[\w-]+|get-caller-identity)$/;

check({
  id: 'deploy.kubectl',
  phase: 'command',
  names: ['kubectl', 'oc'],
  ends: true,
  run(x) {
    const { name, args, sub } = x;
    // Looking (get, describe, top) changes nothing; reading secrets is judged below on its own.
    if (!/^(?:version|config|explain|api-resources|api-versions|completion|get|describe|top|cluster-info)$/.test(sub))
      x.report('deploy.kubectl', { capability: 'deploy', detail: `${name} ${sub} acts on a cluster` });
    // (`config view --raw` prints the kubeconfig with its tokens and client keys unredacted)
    if (sub === 'config' && args.includes('view') && args.some((a) => /^--raw(?:=true)?$/.test(a)))
      x.report('deploy.kubectl-secrets', { capability: 'credential-access', detail: 'prints cluster credentials' });
    if ((sub === 'get' && args.includes('secret')) || (sub === 'get' && args.includes('secrets')))
      x.report('deploy.kubectl-secrets', { capability: 'credential-access', detail: 'reads Kubernetes secrets' });
    return DONE;
  },
});

check({
  id: 'deploy.helm',
  phase: 'command',
  names: ['helm'],
  ends: true,
  run(x) {
    const { sub } = x;
    if (/^(?:install|upgrade|uninstall|delete|rollback|push|plugin)$/.test(sub))
      x.report('deploy.helm', { capability: 'deploy', detail: `helm ${sub} changes a cluster` });
    return DONE;
  },
});

check({
  id: 'deploy.infrastructure',
  phase: 'command',
  names: ['terraform', 'tofu', 'pulumi', 'cdk', 'sam', 'serverless', 'sls', 'ansible-playbook', 'ansible'],
  ends: true,
  run(x) {
    const { name, sub } = x;
    if (!INFRA_READ_ONLY.test(sub))
      x.report('deploy.infrastructure', { capability: 'deploy', detail: `${name} ${sub} changes infrastructure` });
    return DONE;
  },
});

check({
  id: 'deploy.cloud',
  phase: 'command',
  names: [
    'aws',
    'gcloud',
    'az',
    'doctl',
    'flyctl',
    'fly',
    'heroku',
    'vercel',
    'netlify',
    'wrangler',
    'firebase',
    'eb',
    'gsutil',
    'oci',
    'aliyun',
    'linode-cli',
    'hcloud',
  ],
  ends: true,
  run(x) {
    const { name, args } = x;
    if (
      /secret|credential|token|password|get-session-token|print-access-token|print-identity-token|get-login-password|configure/.test(
        args.join(' '),
      )
    )
      x.report('deploy.cloud-credentials', {
        capability: 'credential-access',
        detail: `${name} reads cloud credentials or secrets`,
      });
    if (!CLOUD_READ_ONLY.test(x.positional().join(' ')))
      x.report('deploy.cloud', { capability: 'deploy', detail: `${name} acts on a cloud account` });
    return DONE;
  },
});

check({
  id: 'deploy.gh',
  phase: 'command',
  names: ['gh'],
  ends: true,
  run(x) {
    const { args, sub } = x;
    // Gists and new public repositories publish files outside the company.
    if (
      (sub === 'gist' && /^(?:create|new|edit)$/.test(args[1] ?? '')) ||
      (sub === 'repo' && args[1] === 'create' && args.some((a) => /^--public$|^--visibility=public$/.test(a)))
    )
      x.report('deploy.gh-publish', {
        capability: 'upload',
        detail: `gh ${sub} ${args[1]} publishes files on GitHub`,
        hosts: ['gist.github.com'],
      });
    if (
      sub === 'auth' &&
      (args.includes('token') || (args.includes('status') && args.some((a) => /^(?:-t|--show-token)$/.test(a))))
    )
      x.report('deploy.gh-token', {
        capability: 'credential-access',
        detail: `gh auth ${args.includes('token') ? 'token' : 'status --show-token'} prints the GitHub token`,
      });
    if (
      /^(?:release|workflow|repo|secret|api)$/.test(sub) &&
      args.some((a) => /^(?:create|delete|run|edit|set|archive|-X|--method)$/.test(a))
    )
      x.report('deploy.gh-change', {
        capability: 'deploy',
        detail: `gh ${sub} changes the GitHub repository or its releases`,
      });
    x.net('deploy.gh-network', ['github.com'], 'talks to');
    return DONE;
  },
});
