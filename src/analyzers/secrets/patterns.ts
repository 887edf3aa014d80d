/**
 * Credential formats, as data. Each pattern names the vendor's documented token shape; the
 * captured group `s` (or the whole match) is the secret. `hint` is a cheap lower-case substring
 * prefilter; a line without any hint skips the regex. Formats are from vendors' public docs.
 * Written for this project; regexes are linear (no nested quantifiers) and bounded.
 */
import { isTemplate, looksGenerated } from './template.ts';
export interface SecretPattern {
  id: string;
  title: string;
  re: RegExp;
  hints: string[];
  severity?: 'critical' | 'high' | 'medium';
  /** Minimum Shannon entropy (bits/char) of the secret, to drop look-alikes such as hf_xxxx. */
  minEntropy?: number;
  /** A check of the token's own structure (a decoded prefix, a checksum), beyond its shape. */
  valid?: (secret: string) => boolean;
  /** The format's fixed part (AGE-SECRET-KEY-1, access_token$production$): left out of the placeholder test. */
  fixed?: RegExp;
  /**
   * The hints are short and common (`.`, `sk`, `ey`): the format is tried on the whole file first,
   * and its hints are looked for only when it occurs somewhere.
   */
  commonHints?: boolean;
  /**
   * The hints are rare in code but everywhere in encoded text (`eaa` in base64, a source map's
   * mappings): the format is tried as `quick` on the whole file first, as with commonHints, and is
   * still tried packed against a neighbour where `quick` matched.
   */
  encodedHints?: boolean;
  /**
   * For formats with common hints: the format without its token boundaries, as a global regex over
   * the whole file. It matches wherever the format does (and a little more), and much faster: a
   * boundary that can match almost anywhere makes the regex engine try every position.
   */
  quick?: RegExp;
}

export const B = String.raw`(?:^|[^A-Za-z0-9_]|(?<=\\[nrt]))`; // a token boundary on the left (also after an escaped \n)
export const E = String.raw`(?![A-Za-z0-9_])`; // and on the right

function p(id: string, title: string, re: string, hints: string[], extra: Partial<SecretPattern> = {}): SecretPattern {
  const pat: SecretPattern = { id: `secret.${id}`, title, re: new RegExp(re), hints, ...extra };
  if (pat.commonHints || pat.encodedHints) {
    let core = re.startsWith(B) ? re.slice(B.length) : re;
    if (core.endsWith(E)) core = core.slice(0, -E.length);
    pat.quick = new RegExp(core, 'gm');
  }
  return pat;
}

/** Case-insensitive spelling of a regex fragment (Node 20 has no inline (?i:...) groups). */
function ci(src: string): string {
  return src.replace(/\\.|[A-Za-z]/g, (c) => (c.length === 1 ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c));
}

/** Context patterns: a vendor keyword in the name, then a value of a given shape. */
function ctx(
  id: string,
  title: string,
  names: string,
  value: string,
  extra: Partial<SecretPattern> = {},
): SecretPattern {
  // The names are an alternation, grouped (or `a|b[…]` would match a bare `a`), and must stand as
  // a word or a camelCase part: `sumo_key`, `oktaToken`, not `sumOfExposures` or `rookTable`.
  return p(
    id,
    title,
    String.raw`(?:(?<![A-Za-z])|(?<=[a-z])(?=[A-Z]))(?:${ci(names)})(?![a-z])` +
      String.raw`[\w.\-]{0,30}["']?\s*(?:[:=]|:=|=>|\s)\s*["'\x60]?(?<s>${value})${E}`,
    names
      .toLowerCase()
      .split('|')
      .map((n) => (/^[a-z0-9_]+$/.test(n) ? n : /[a-z0-9]+/.exec(n)![0])),
    extra,
  );
}

/** Base64 of `name:password`, the password at least 8 characters and not a typed example. */
function isUserPassword(b64: string): boolean {
  const text = Buffer.from(b64, 'base64').toString('latin1');
  const m = /^([\x21-\x39\x3b-\x7e]{1,64}):([\x21-\x7e]{8,128})$/.exec(text);
  if (!m) return false;
  const pass = m[2];
  // (words, or a text that says it is an example: `your-token-here`, `<password>`, `${PASS}`)
  if (/^[A-Za-z]+(?:[-_.][A-Za-z]+)*$/.test(pass) && !looksGenerated(pass)) return false;
  if (/your|example|sample|dummy|placeholder|change_?me|redacted|fake|xxx|\*\*\*/i.test(pass) || isTemplate(pass))
    return false;
  // (at least two classes of characters: a random or chosen password, not a word)
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(pass)).length >= 2;
}

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

export const SECRET_PATTERNS: SecretPattern[] = [
  // Cloud providers
  p(
    'aws-access-key-id',
    'AWS access key ID',
    String.raw`${B}(?<s>(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})${E}`,
    ['akia', 'asia', 'abia', 'acca', 'a3t'],
    { severity: 'critical', minEntropy: 2.5 },
  ),
  ctx(
    'aws-secret-access-key',
    'AWS secret access key',
    'aws_?secret|aws_?secret_?access_?key|secret_?access_?key',
    '[A-Za-z0-9/+=]{40}',
    { severity: 'critical', minEntropy: 3.5 },
  ),
  p(
    'aws-bedrock-api-key',
    'Amazon Bedrock API key',
    String.raw`${B}(?<s>ABSK[A-Za-z0-9+/]{100,}={0,2}|bedrock-api-key-[A-Za-z0-9+/=]{20,})`,
    ['absk', 'bedrock-api-key'],
    {
      severity: 'critical',
      // Short-lived keys are base64 of a presigned bedrock.amazonaws.com URL.
      valid: (t) =>
        !t.startsWith('bedrock-api-key-') ||
        Buffer.from(t.slice(16), 'base64').toString('latin1').startsWith('bedrock.amazonaws.com'),
    },
  ),
  p('gcp-api-key', 'Google API key', String.raw`${B}(?<s>AIza[0-9A-Za-z_\-]{35})${E}`, ['aiza'], { minEntropy: 3.8 }),
  p(
    'gcp-service-account',
    'Google service-account key file',
    String.raw`"type"\s*:\s*"service_account"`,
    ['service_account'],
    { severity: 'critical' },
  ),
  p('google-oauth-secret', 'Google OAuth client secret', String.raw`${B}(?<s>GOCSPX-[A-Za-z0-9_\-]{28})${E}`, [
    'gocspx',
  ]),
  p('gcp-oauth-token', 'Google OAuth access token', String.raw`${B}(?<s>ya29\.[0-9A-Za-z_\-]{20,})`, ['ya29.']),
  p(
    'azure-storage-key',
    'Azure storage account key',
    String.raw`AccountKey=(?<s>[A-Za-z0-9+/]{86}==)`,
    ['accountkey='],
    { severity: 'critical' },
  ),
  p(
    'azure-ad-client-secret',
    'Azure AD client secret',
    String.raw`${B}(?<s>[a-zA-Z0-9_~.]{3}\dQ~[a-zA-Z0-9_~.\-]{31,34})${E}`,
    ['q~'],
    { minEntropy: 3.5 },
  ),
  p('azure-sas-token', 'Azure SAS signature', String.raw`[?&]sig=(?<s>[A-Za-z0-9%]{43,}(?:%3D|=){0,2})`, ['sig=']),
  p('alibaba-access-key-id', 'Alibaba Cloud AccessKey ID', String.raw`${B}(?<s>LTAI[A-Za-z0-9]{12,20})${E}`, ['ltai'], {
    severity: 'critical',
    minEntropy: 3,
  }),
  ctx(
    'alibaba-access-key-secret',
    'Alibaba Cloud AccessKey secret',
    'alibaba|aliyun|alicloud|access_?key_?secret|accesskeysecret',
    '[A-Za-z0-9]{30}',
    { severity: 'critical', minEntropy: 3.5 },
  ),
  ctx(
    'dashscope-api-key',
    'Alibaba DashScope (Model Studio) API key',
    'dashscope|qwen|bailian|modelstudio',
    'sk-[a-f0-9]{32}',
    { severity: 'critical' },
  ),
  p(
    'sk-hex32-key',
    'OpenAI-compatible API key (DashScope/DeepSeek style)',
    String.raw`${B}(?<s>sk-[a-f0-9]{32})${E}`,
    ['sk-'],
    { minEntropy: 3.2 },
  ),
  p('digitalocean-token', 'DigitalOcean token', String.raw`${B}(?<s>do[por]_v1_[a-f0-9]{64})${E}`, ['_v1_'], {
    severity: 'critical',
  }),
  ctx('heroku-api-key', 'Heroku API key', 'heroku', UUID),
  p('heroku-api-key-v2', 'Heroku API key', String.raw`${B}(?<s>HRKU-[A-Za-z0-9_\-]{58,64})`, ['hrku-']),
  p(
    'flyio-token',
    'Fly.io access token',
    String.raw`${B}(?<s>(?:fo1_[\w\-]{43}|fm[12][ar]?_[A-Za-z0-9+/]{100,}={0,3}|FlyV1 fm\d+[ar]?_[A-Za-z0-9+/=,_\-]{100,}))`,
    ['fo1_', 'fm1', 'fm2', 'flyv1'],
  ),
  ctx('cloudflare-api-token', 'Cloudflare API token', 'cloudflare|cf_api', '[A-Za-z0-9_\\-]{40}', { minEntropy: 3.5 }),
  p('cloudflare-origin-ca-key', 'Cloudflare Origin CA key', String.raw`${B}(?<s>v1\.0-[a-f0-9]{24}-[a-f0-9]{146})`, [
    'v1.0-',
  ]),
  p(
    'terraform-cloud-token',
    'Terraform Cloud / HCP token',
    String.raw`${B}(?<s>[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=\-]{60,70})`,
    ['atlasv1'],
  ),
  p('vault-token', 'HashiCorp Vault token', String.raw`${B}(?<s>hv[sb]\.[A-Za-z0-9_\-]{90,})`, ['hvs.', 'hvb.'], {
    minEntropy: 3.5,
  }),
  p(
    'vault-legacy-token',
    'HashiCorp Vault token (legacy)',
    String.raw`${B}(?<s>s\.(?=[A-Za-z]*\d)(?=[A-Z0-9]*[a-z])(?=[a-z0-9]*[A-Z])[A-Za-z0-9]{24})${E}`,
    ['s.'],
    { minEntropy: 3.6, commonHints: true },
  ),
  p('doppler-token', 'Doppler token', String.raw`${B}(?<s>dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44})`, [
    'dp.',
  ]),
  p('pulumi-token', 'Pulumi access token', String.raw`${B}(?<s>pul-[a-f0-9]{40})${E}`, ['pul-']),
  p('databricks-token', 'Databricks token', String.raw`${B}(?<s>dapi[a-f0-9]{32}(?:-\d)?)${E}`, ['dapi']),
  p('openshift-token', 'OpenShift user token', String.raw`${B}(?<s>sha256~[\w\-]{43})${E}`, ['sha256~']),
  ctx('clickhouse-secret', 'ClickHouse Cloud secret', 'clickhouse', '4b1d[A-Za-z0-9]{38}'),
  // Source control and CI
  p(
    'github-token',
    'GitHub token',
    String.raw`${B}(?<s>gh[pousr]_[A-Za-z0-9]{36,255})${E}`,
    ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
    { severity: 'critical', minEntropy: 3.5 },
  ),
  p(
    'github-fine-grained-pat',
    'GitHub fine-grained token',
    String.raw`${B}(?<s>github_pat_[A-Za-z0-9_]{82})${E}`,
    ['github_pat_'],
    { severity: 'critical' },
  ),
  p(
    'gitlab-token',
    'GitLab token',
    String.raw`${B}(?<s>gl(?:pat|ptt|rt|dt|cbt|oas|ft|imt|agent|feed)-[A-Za-z0-9_\-]{20,})`,
    ['glpat-', 'glptt-', 'glrt-', 'gldt-', 'glcbt-', 'gloas-', 'glft-', 'glimt-', 'glagent-'],
    { severity: 'critical', minEntropy: 3.2 },
  ),
  p(
    'gitlab-runner-token',
    'GitLab runner registration token',
    String.raw`${B}(?<s>GR1348941[A-Za-z0-9_\-]{20})`,
    ['gr1348941'],
    { minEntropy: 3 },
  ),
  p('npm-token', 'npm access token', String.raw`${B}(?<s>npm_[A-Za-z0-9]{36})${E}`, ['npm_'], {
    severity: 'critical',
    minEntropy: 3.5,
  }),
  p(
    'pypi-token',
    'PyPI upload token',
    String.raw`${B}(?<s>pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,})`,
    ['pypi-ageichlwas5vcmc'],
    { severity: 'critical' },
  ),
  p('rubygems-token', 'RubyGems API key', String.raw`${B}(?<s>rubygems_[a-f0-9]{48})${E}`, ['rubygems_']),
  p('clojars-token', 'Clojars deploy token', String.raw`${B}(?<s>CLOJARS_[a-z0-9]{60})${E}`, ['clojars_']),
  p(
    'sourcegraph-token',
    'Sourcegraph access token',
    String.raw`${B}(?<s>sgp_(?:[a-fA-F0-9]{16}|local)_[a-fA-F0-9]{40}|sgp_[a-fA-F0-9]{40})`,
    ['sgp_'],
  ),
  p('octopus-deploy-key', 'Octopus Deploy API key', String.raw`${B}(?<s>API-[A-Z0-9]{26})${E}`, ['api-']),
  ctx('sonar-token', 'SonarQube/SonarCloud token', 'sonar', '(?:squ_|sqp_|sqa_)?[a-zA-Z0-9]{40}', { minEntropy: 3 }),
  ctx(
    'sourcegraph-token-legacy',
    'Sourcegraph access token (legacy)',
    'sourcegraph|src_access_token',
    '[a-fA-F0-9]{40}',
    { minEntropy: 3 },
  ),
  ctx('snyk-token', 'Snyk API token', 'snyk', UUID),
  p('atlassian-token', 'Atlassian API token', String.raw`${B}(?<s>ATATT3[A-Za-z0-9_\-=]{186})`, ['atatt3']),
  ctx(
    'atlassian-token-legacy',
    'Atlassian (Jira/Confluence) API token',
    'jira|confluence|atlassian',
    '[a-zA-Z0-9]{24}',
    { minEntropy: 3.3 },
  ),
  // Chat, mail and messaging
  // Slack tokens carry numeric team/user ids: xoxb-<digits>-<digits>-<random>, xoxa-2-<digits>-…
  p(
    'slack-token',
    'Slack token',
    String.raw`${B}(?<s>xox[abposre]-(?:\d-)?(?:\d{6,}-){1,3}[0-9A-Za-z]{8,}(?:-[0-9A-Za-z]{8,})?)(?![-#*A-Za-z0-9_])`,
    ['xoxa-', 'xoxb-', 'xoxp-', 'xoxo-', 'xoxs-', 'xoxr-', 'xoxe-'],
    { severity: 'critical', minEntropy: 3 },
  ),
  p('slack-config-token', 'Slack configuration token', String.raw`${B}(?<s>xoxe(?:\.xox[bp])?-\d-[A-Za-z0-9]{140,})`, [
    'xoxe',
  ]),
  p('slack-app-token', 'Slack app-level token', String.raw`${B}(?<s>xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+)`, ['xapp-']),
  p(
    'slack-webhook',
    'Slack incoming webhook',
    String.raw`(?<s>hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{20,})`,
    ['hooks.slack.com'],
  ),
  p('discord-webhook', 'Discord webhook URL', String.raw`(?<s>discord(?:app)?\.com/api/webhooks/\d+/[\w\-]{60,})`, [
    'discord',
  ]),
  p(
    'discord-bot-token',
    'Discord bot token',
    String.raw`${B}(?<s>[MNO][A-Za-z\d]{23,25}\.[\w\-]{6}\.[\w\-]{27,38})${E}`,
    ['.'],
    { minEntropy: 4, commonHints: true },
  ),
  p('telegram-bot-token', 'Telegram bot token', String.raw`${B}(?<s>\d{8,10}:AA[0-9A-Za-z_\-]{33})${E}`, [':aa']),
  p('sendgrid-key', 'SendGrid API key', String.raw`${B}(?<s>SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})`, ['sg.'], {
    severity: 'critical',
  }),
  p('mailgun-key', 'Mailgun API key', String.raw`${B}(?<s>key-[0-9a-zA-Z]{32})${E}`, ['key-'], { minEntropy: 3.5 }),
  ctx('mailchimp-key', 'Mailchimp API key', 'mailchimp|mc_api', '[0-9a-f]{32}-us\\d{1,2}'),
  p('twilio-key', 'Twilio API key', String.raw`${B}(?<s>SK[0-9a-fA-F]{32})${E}`, ['sk'], {
    minEntropy: 3.3,
    commonHints: true,
  }),
  ctx('messagebird-key', 'MessageBird API key', 'messagebird|message[_-]?bird', `${UUID}|[A-Za-z0-9]{25}`),
  // Payments and commerce
  p(
    'stripe-key',
    'Stripe secret/restricted key',
    String.raw`${B}(?<s>(?:sk|rk)_(?:live|test|prod)_[0-9a-zA-Z]{24,247})${E}`,
    ['sk_live', 'sk_test', 'rk_live', 'rk_test', 'rk_prod', 'sk_prod'],
    { severity: 'critical' },
  ),
  p('square-token', 'Square access token', String.raw`${B}(?<s>(?:sq0atp|EAAA)[0-9A-Za-z_\-]{22,60})`, [
    'sq0atp',
    'eaaa',
  ]),
  p('square-secret', 'Square OAuth secret', String.raw`${B}(?<s>sq0csp-[0-9A-Za-z_\-]{43})`, ['sq0csp']),
  p(
    'braintree-token',
    'PayPal Braintree access token',
    String.raw`(?<s>access_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32})`,
    ['access_token$production'],
    { fixed: /^access_token\$production\$/ },
  ),
  p('shopify-token', 'Shopify token', String.raw`${B}(?<s>shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})${E}`, [
    'shpat_',
    'shpca_',
    'shppa_',
    'shpss_',
  ]),
  // AI vendors
  p(
    'openai-key',
    'OpenAI API key',
    String.raw`${B}(?<s>sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_\-]{20,}T3BlbkFJ[A-Za-z0-9_\-]{20,})`,
    ['t3blbkfj'],
    { severity: 'critical' },
  ),
  p(
    'anthropic-key',
    'Anthropic API key',
    String.raw`${B}(?<s>sk-ant-(?:api03|admin01)-[A-Za-z0-9_\-]{80,100}AA)${E}`,
    ['sk-ant-'],
    { severity: 'critical' },
  ),
  p(
    'huggingface-token',
    'Hugging Face token',
    String.raw`${B}(?<s>(?:hf_|api_org_)[A-Za-z]{34})${E}`,
    ['hf_', 'api_org_'],
    { minEntropy: 3.6 },
  ),
  p('groq-key', 'Groq API key', String.raw`${B}(?<s>gsk_[a-zA-Z0-9]{52})${E}`, ['gsk_']),
  p('xai-key', 'xAI API key', String.raw`${B}(?<s>xai-[A-Za-z0-9]{80})${E}`, ['xai-']),
  p('perplexity-key', 'Perplexity API key', String.raw`${B}(?<s>pplx-[A-Za-z0-9]{48})`, ['pplx-']),
  p('replicate-token', 'Replicate API token', String.raw`${B}(?<s>r8_[A-Za-z0-9]{37})${E}`, ['r8_']),
  ctx('cohere-key', 'Cohere API key', 'cohere|co_api', '[A-Za-z0-9]{40}', { minEntropy: 3.5 }),
  ctx('mistral-key', 'Mistral API key', 'mistral', '[A-Za-z0-9]{32}', { minEntropy: 3.5 }),
  // Observability and SaaS
  p('sentry-token', 'Sentry auth token', String.raw`${B}(?<s>sntry[su]_[A-Za-z0-9+/=_]{50,})`, ['sntrys_', 'sntryu_']),
  p('newrelic-key', 'New Relic key', String.raw`${B}(?<s>NR(?:AK|JS|II)-[A-Za-z0-9]{19,27})${E}`, [
    'nrak-',
    'nrjs-',
    'nrii-',
  ]),
  ctx('datadog-key', 'Datadog API/app key', 'datadog|dd_api|dd_app', '[a-f0-9]{32}|[a-f0-9]{40}', { minEntropy: 3.2 }),
  p(
    'grafana-token',
    'Grafana token',
    String.raw`${B}(?<s>glc_[A-Za-z0-9+/]{32,400}={0,2}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})`,
    ['glc_', 'glsa_'],
  ),
  p('dynatrace-token', 'Dynatrace token', String.raw`${B}(?<s>dt0c01\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64})`, ['dt0c01']),
  ctx('sumologic-access-id', 'Sumo Logic access ID', 'sumo(?:logic)?', 'su[A-Za-z0-9]{12}', { minEntropy: 3 }),
  ctx('sumologic-access-key', 'Sumo Logic access key', 'sumo(?:logic)?', '[A-Za-z0-9]{64}', { minEntropy: 3.5 }),
  p(
    'notion-token',
    'Notion integration token',
    String.raw`${B}(?<s>(?:secret_[A-Za-z0-9]{43}|ntn_\d{11}[A-Za-z0-9]{35}))${E}`,
    ['secret_', 'ntn_'],
    { minEntropy: 3.5 },
  ),
  p('linear-key', 'Linear API key', String.raw`${B}(?<s>lin_api_[A-Za-z0-9]{40})${E}`, ['lin_api_']),
  p('postman-key', 'Postman API key', String.raw`${B}(?<s>PMAK-[a-f0-9]{24}-[a-f0-9]{34})`, ['pmak-']),
  p('figma-token', 'Figma token', String.raw`${B}(?<s>figd_[A-Za-z0-9_\-]{40})`, ['figd_']),
  p('dropbox-token', 'Dropbox token', String.raw`${B}(?<s>sl\.[A-Za-z0-9_\-]{130,152})`, ['sl.']),
  p('facebook-token', 'Facebook/Meta access token', String.raw`${B}(?<s>EAA[MC][A-Za-z0-9]{100,})`, ['eaa'], {
    encodedHints: true,
  }),
  p(
    'facebook-app-token',
    'Facebook app access token',
    String.raw`${B}(?<s>\d{15,16}(?:\||%7C)[A-Za-z0-9_\-]{27})`,
    ['|', '%7c'],
    { commonHints: true },
  ),
  ctx('facebook-secret', 'Facebook app secret', 'facebook|fb_app', '[a-f0-9]{32}'),
  ctx('hubspot-key', 'HubSpot API key', 'hubspot', UUID),
  p(
    'okta-token',
    'Okta API token',
    String.raw`(?:(?<![A-Za-z])|(?<=[a-z])(?=[A-Z]))${ci('okta')}(?![a-z])` +
      String.raw`[\w.\-]{0,30}["']?\s*(?:[:=]|=>)\s*["']?(?<s>00[A-Za-z0-9_\-]{40})${E}`,
    ['okta'],
  ),
  p(
    '1password-service-token',
    '1Password service-account token',
    String.raw`${B}(?<s>ops_eyJ[A-Za-z0-9+/]{250,}={0,3})`,
    ['ops_eyj'],
  ),
  p(
    '1password-secret-key',
    '1Password secret key',
    String.raw`${B}(?<s>A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})${E}`,
    ['a3-'],
  ),
  p(
    'age-secret-key',
    'age secret key',
    String.raw`${B}(?<s>AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})`,
    ['age-secret-key'],
    { fixed: /^AGE-SECRET-KEY-1/ },
  ),
  p('infracost-token', 'Infracost API token', String.raw`(?:^|[^A-Za-z0-9_.\-/])(?<s>ico-[A-Za-z0-9]{32})${E}`, [
    'ico-',
  ]),
  p('intra42-secret', '42 Intra client secret', String.raw`${B}(?<s>s-s4t2(?:ud|af)-[a-f0-9]{64})`, ['s-s4t2']),
  ctx('maxmind-key', 'MaxMind license key', 'maxmind|geoip', '[A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk'),
  p('scalingo-token', 'Scalingo API token', String.raw`${B}(?<s>tk-us-[\w\-]{48})`, ['tk-us-']),
  p(
    'sidekiq-secret',
    'Sidekiq Enterprise credentials',
    String.raw`BUNDLE_(?:ENTERPRISE__CONTRIBSYS__COM|GEMS__CONTRIBSYS__COM)["']?\s*[:=]\s*["']?(?<s>[a-f0-9]{8}:[a-f0-9]{8})`,
    ['contribsys'],
  ),
  p(
    'sidekiq-url',
    'Sidekiq Enterprise credentials in URL',
    String.raw`https?://(?<s>[a-f0-9]{8}:[a-f0-9]{8})@(?:gems|enterprise)\.contribsys\.com`,
    ['contribsys'],
  ),
  // Keys and tokens of any origin
  p(
    'private-key',
    'Private key',
    String.raw`-----BEGIN (?:[A-Z]{2,10} )?PRIVATE KEY(?: BLOCK)?-----`,
    ['private key'],
    { severity: 'critical' },
  ),
  p(
    'jwt',
    'JSON Web Token',
    String.raw`${B}(?<s>ey[A-Za-z0-9_\-]{10,}\.ey[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,})`,
    ['ey'],
    { severity: 'medium', commonHints: true },
  ),
  p(
    'database-url',
    'Database URL with password',
    String.raw`(?<s>(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?|mssql|sqlserver|jdbc:[a-z]+|clickhouse|cockroachdb)://[^\s:/@'"]{1,64}:[^\s@'"/]{3,128}@[^\s'"]+)`,
    ['://'],
  ),
  p(
    'url-credentials',
    'Password in a URL',
    String.raw`(?<s>https?://[A-Za-z0-9._%\-]{1,64}:[^\s@'"/]{6,128}@[A-Za-z0-9.\-]+)`,
    ['://'],
  ),
  // A JSON Web Key's private part ("d", with "p", "q"… for RSA): the key itself, in JSON. The
  // object must say it is a key ("kty"), before or after "d", within the same braces.
  p(
    'jwk-private-key',
    'Private JSON Web Key',
    String.raw`(?:(?<="kty"[^{}]{0,1500})"d"|"d"(?=[^{}]{0,1500}"kty"))\s*:\s*"(?<s>[A-Za-z0-9_\-]{32,})"`,
    ['"kty"'],
    { severity: 'critical', minEntropy: 3.5 },
  ),
  // A password given on a command line to a client that takes it there (mysql -pSECRET, sshpass -p,
  // redis-cli -a, docker login -p): agents run these and paste their own commands back.
  p(
    'cli-password',
    'Password on a command line',
    String.raw`\b(?:(?:mysql|mysqldump|mysqladmin|mariadb)\b[^\n|;&]{0,200}?\s-p["']?|(?:sshpass|redis-cli|(?:docker|podman|buildah|skopeo|helm(?: registry)?) login)\b[^\n|;&]{0,200}?\s(?:-p|-a|--password(?:=|\s+)|--pass(?:=|\s+))\s*["']?)(?<s>(?<=["'])[^\s"']{6,128}|[^\s"'\-][^\s"']{5,127})`,
    ['mysql', 'mariadb', 'sshpass', 'redis-cli', 'login'],
    // (letters alone count when both cases are drawn: `-pMyDbName` glued to -p is mysql's password too)
    {
      severity: 'high',
      minEntropy: 2.5,
      valid: (t) => /[^A-Za-z]/.test(t) || (t.length >= 12 && /[a-z]/.test(t) && /[A-Z]/.test(t)),
    },
  ),
  // user:password in base64: an HTTP Basic header, a docker config's "auth", an .npmrc _auth. Only a
  // value that decodes to a name, a colon and a password that is not a typed example counts.
  p(
    'basic-auth-credentials',
    'Base64 user:password (HTTP Basic, docker config, .npmrc _auth)',
    String.raw`(?:\b${ci('basic')}\s+|"auth"\s*:\s*"|\b_auth\s*=\s*)(?<s>[A-Za-z0-9+/]{12,}={0,2})(?![A-Za-z0-9+/=])`,
    ['basic', '"auth"', '_auth'],
    { severity: 'high', valid: isUserPassword },
  ),
  // user:password (the password at least 6 characters: test:test and user:pass are examples).
  p(
    'curl-basic-auth',
    'Credentials on a curl command line',
    String.raw`\bcurl\b[^\n]{0,200}?\s(?:-u|--user)\s+["']?(?<s>[^\s"':$<{\[]{0,64}:["']?[^\s"'$<{\[]{6,128}|[A-Za-z0-9_\-!]{12,64}:(?=["'\s]|$))`,
    ['curl'],
    { minEntropy: 2.5 },
  ),
  p(
    'curl-auth-header',
    'Authorization header on a curl command line',
    String.raw`\bcurl\b[^\n]{0,200}?\s(?:-H|--header)\s+["']` +
      ci('(?:authorization|x-api-key|api-key|x-auth-token|api-token|x-api-token|private-token|token)') +
      String.raw`:\s*(?:(?:Bearer|Basic|Token|Api-Token|ApiKey|Digest)\s+)?(?<s>[A-Za-z0-9._~+/=\-]{10,})`,
    ['curl'],
    { minEntropy: 2.8 },
  ),
];
