/**
 * Doctor checks that more than one agent module uses: reading a key path from settings, and the
 * `privacy.usageStatisticsEnabled` setting of the Gemini CLI family (Gemini CLI, Qwen Code).
 */
import type { DoctorFindings, SettingsByScope } from './types.ts';

export function getPath(o: Record<string, unknown>, path: string[]): unknown {
  let cur: unknown = o;
  for (const k of path) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined;
  return cur;
}

/**
 * Usage statistics are off when the environment says so, or when the highest scope that sets
 * `privacy.usageStatisticsEnabled` (system, then project, then user) sets it false and the
 * environment does not turn them back on.
 */
export function usageStatistics(
  agent: string,
  vendor: string,
  envName: string,
  s: SettingsByScope,
  env: NodeJS.ProcessEnv,
): DoctorFindings {
  const eff = [s.system, s.project, s.user]
    .map((x) => getPath(x, ['privacy', 'usageStatisticsEnabled']))
    .find((v) => v !== undefined);
  if (env[envName] === 'false' || (eff === false && env[envName] !== 'true'))
    return { checks: ['vendor usage statistics are off'], problems: [] };
  return {
    checks: [],
    problems: [
      {
        problem: `usage statistics are sent to the vendor (${vendor}): privacy.usageStatisticsEnabled is not false`,
        fix: `warden install ${agent} (sets privacy.usageStatisticsEnabled: false), or export ${envName}=false`,
      },
    ],
  };
}
