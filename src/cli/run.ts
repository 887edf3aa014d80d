/**
 * `warden run [--agent A] [--policy FILE] [--allow-host H]... -- AGENT [ARGS...]`: the whole agent
 * in a bubblewrap sandbox whose only way out is Warden's egress proxy, pointed at Warden's gateway,
 * with decoy credentials in a session home and Warden's hooks it cannot switch off. Exit status:
 * the agent's; 123 when the arrival check refused the workspace's instructions (src/sandbox/arrival.ts;
 * `--allow-arrival` starts it anyway); 124 when Warden ended the session; 125 when it could not be
 * sandboxed here (never run unsandboxed); 2 for a usage error.
 */
import { parseArgs, UsageError } from './args.ts';
import { guessAgent, RUN_AGENTS, type RunAgent } from '../sandbox/agent-facts.ts';
import { EXIT_NO_SANDBOX, runSession, SandboxUnavailable } from '../sandbox/session.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultAuditDir } from '../audit/log.ts';
import { ENROL_FILE } from '../server/managed.ts';

export async function runCommand(rest: string[]): Promise<number> {
  const { flags, rest: argv } = parseArgs(rest, {
    agent: 'string',
    policy: 'string',
    'allow-host': 'list',
    'allow-arrival': 'bool',
  });
  if (!argv.length || !rest.includes('--'))
    throw new UsageError('give the agent command after --: warden run -- qwen -p "…"');
  const agent = (flags.agent as string | undefined) ?? guessAgent(argv);
  if (!agent)
    throw new UsageError(`cannot tell which agent '${argv[0]}' is; name it with --agent (${RUN_AGENTS.join(', ')})`);
  if (!RUN_AGENTS.includes(agent as RunAgent))
    throw new UsageError(`--agent must be one of ${RUN_AGENTS.join(', ')} (got '${agent}')`);
  if (process.platform !== 'linux') {
    process.stderr.write('warden: warden run needs Linux (bubblewrap); nothing was run\n');
    return EXIT_NO_SANDBOX;
  }
  const say = (line: string) => process.stderr.write(`${line}\n`);
  // An enrolled machine starts the session on the newest signed policy (the fleet code loads only then).
  if (existsSync(join(defaultAuditDir(), ENROL_FILE))) {
    const note = await (await import('../server/client.ts')).refreshPolicy(defaultAuditDir());
    if (note) say(`warden run: ${note}`);
  }
  try {
    return await runSession(
      {
        agent: agent as RunAgent,
        argv,
        cwd: process.cwd(),
        policyFile: flags.policy as string | undefined,
        allowHosts: (flags['allow-host'] as string[] | undefined) ?? [],
        env: process.env,
        allowArrival: flags['allow-arrival'] === true,
      },
      say,
    );
  } catch (e) {
    if (!(e instanceof SandboxUnavailable)) throw e;
    say(`warden: ${e.message}; nothing was run`);
    return EXIT_NO_SANDBOX;
  }
}
