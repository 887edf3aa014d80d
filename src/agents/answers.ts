/**
 * The answer shapes the agents read back from a hook, shared by the agent modules: Claude Code's
 * (which Qwen Code and Codex adopted) and Gemini CLI's. Each agent module picks one and says why.
 */
import type { Decision } from '../engine/types.ts';
import type { HookAnswer, Phase } from './types.ts';

const SILENT: HookAnswer = { code: 0, stdout: '', stderr: '' };

/** What the model and the user read: the decision in words, then Warden's reasons. */
export const answerText = (decision: Decision, reason: string) =>
  `Warden ${decision === 'deny' ? 'denied' : 'wants approval for'} this: ${reason}`;

/**
 * Claude Code's contract: a pre-tool denial is exit 2 with the reason on stderr and a
 * `hookSpecificOutput.permissionDecision` on stdout (agents that read either get it); "ask" is the
 * same JSON with exit 0; an allow is silence, so the agent's own approval prompt still runs. A
 * prompt cannot be "asked" about: it is held back (`decision: block`, exit 2).
 */
export function claudeStyleAnswer(phase: Phase, decision: Decision, reason: string): HookAnswer {
  const text = answerText(decision, reason);
  if (phase === 'pre-tool' || phase === 'unknown') {
    if (decision === 'allow') return SILENT;
    const out = JSON.stringify({
      hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: decision, permissionDecisionReason: text },
    });
    return decision === 'deny' ? { code: 2, stdout: out, stderr: text + '\n' } : { code: 0, stdout: out, stderr: '' };
  }
  if (phase === 'prompt') {
    if (decision === 'allow') return SILENT;
    return { code: 2, stdout: JSON.stringify({ decision: 'block', reason: text }), stderr: text + '\n' };
  }
  return SILENT;
}

/** Gemini CLI's contract: `{decision, reason}` on stdout; a denial (tool or prompt) is also exit 2 + stderr. */
export function geminiStyleAnswer(phase: Phase, decision: Decision, reason: string): HookAnswer {
  const text = answerText(decision, reason);
  if (phase === 'pre-tool' || phase === 'unknown') {
    if (decision === 'allow') return SILENT;
    return decision === 'deny'
      ? { code: 2, stdout: JSON.stringify({ decision: 'deny', reason: text }), stderr: text + '\n' }
      : { code: 0, stdout: JSON.stringify({ decision: 'ask', reason: text }), stderr: '' };
  }
  if (phase === 'prompt') {
    if (decision === 'allow') return SILENT;
    return { code: 2, stdout: JSON.stringify({ decision: 'deny', reason: text }), stderr: text + '\n' };
  }
  return SILENT;
}

/**
 * A warning after a tool ran, in Claude Code's PostToolUse form: `additionalContext` goes to the
 * model beside the tool's output, `systemMessage` to the user. Exit 0: the tool already ran.
 */
export function claudeStylePostToolWarning(text: string): HookAnswer {
  const out = { systemMessage: text, hookSpecificOutput: { hookEventName: 'PostToolUse', additionalContext: text } };
  return { code: 0, stdout: JSON.stringify(out), stderr: '' };
}

/** The same in Gemini CLI's AfterTool form. */
export function geminiStylePostToolWarning(text: string): HookAnswer {
  const out = { systemMessage: text, hookSpecificOutput: { hookEventName: 'AfterTool', additionalContext: text } };
  return { code: 0, stdout: JSON.stringify(out), stderr: '' };
}
