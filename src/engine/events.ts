/**
 * Events from outside (`warden judge` lines, hook payloads after their adapter) are validated
 * here: a malformed event is an error with a clear message, never a silent allow.
 */
import { UserError } from '../errors.ts';
import type { Event } from './types.ts';

export class EventError extends UserError {}

const str = (o: Record<string, unknown>, k: string, required = true): string | undefined => {
  const v = o[k];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string') throw new EventError(`"${k}" must be a string`);
  return v;
};

/** `{"tool":"shell","command":…}` and the other forms of `warden judge`, with an optional "cwd". */
export function parseEvent(raw: unknown): Event {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new EventError('an event must be a JSON object');
  const o = raw as Record<string, unknown>;
  const cwd = str(o, 'cwd', false);
  switch (o.tool) {
    case 'shell':
      return { tool: 'shell', command: str(o, 'command')!, cwd };
    case 'write':
      return { tool: 'write', path: str(o, 'path')!, content: str(o, 'content')!, cwd };
    case 'edit':
      return {
        tool: 'edit',
        path: str(o, 'path')!,
        old: str(o, 'old')!,
        new: str(o, 'new')!,
        replaceAll: o.replaceAll === true,
        cwd,
      };
    case 'read':
      return { tool: 'read', path: str(o, 'path')!, cwd };
    case 'fetch':
      return { tool: 'fetch', url: str(o, 'url')!, cwd };
    case 'code':
      return { tool: 'code', language: str(o, 'language')!, code: str(o, 'code')!, path: str(o, 'path', false), cwd };
    case 'prompt':
      return { tool: 'prompt', text: str(o, 'text')! };
    case 'other':
      return { tool: 'other', name: str(o, 'name')!, cwd };
    default:
      throw new EventError(
        `"tool" must be one of shell, write, edit, read, fetch, code, prompt, other (got ${JSON.stringify(o.tool)})`,
      );
  }
}

/**
 * Where an event's workspace is: its own "workspace" field, else its "cwd" (an event from another
 * project is judged against that project, not the folder `warden judge` runs in). Undefined when
 * the event names neither.
 */
export function eventWorkspace(raw: unknown): string | undefined {
  const o = raw as Record<string, unknown>;
  return str(o, 'workspace', false) ?? str(o, 'cwd', false);
}
