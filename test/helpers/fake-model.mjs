// A fake OpenAI-compatible model server for end-to-end tests: it answers /v1/chat/completions
// (streaming and not) from a script of turns, and logs every request it receives.
//
//   node test/helpers/fake-model.mjs SCRIPT.json LOG.jsonl PORTFILE
//
// SCRIPT.json: [{ "tool": "run_shell_command", "args": {...} } | { "text": "..." }, ...], each with an
// optional "delayMs" (think time before the answer). Each
// request gets the next turn; when the script is used up the model says "done". The port it
// listens on (127.0.0.1, chosen by the OS) is written to PORTFILE.
import { createServer } from 'node:http';
import { readFileSync, writeFileSync, appendFileSync } from 'node:fs';

const [scriptFile, logFile, portFile] = process.argv.slice(2);
const script = JSON.parse(readFileSync(scriptFile, 'utf8'));
let turn = 0;

function reply(t, n) {
  if (t && t.tool)
    return {
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: `call_${n}`, type: 'function', function: { name: t.tool, arguments: JSON.stringify(t.args) } },
      ],
    };
  return { role: 'assistant', content: t ? t.text : 'done' };
}

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => {
    body += c;
  });
  req.on('end', () => {
    appendFileSync(logFile, JSON.stringify({ method: req.method, url: req.url, body }) + '\n');
    if (req.url.endsWith('/models')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'fake-coder', object: 'model' }] }));
      return;
    }
    let parsed = {};
    try {
      parsed = JSON.parse(body);
    } catch {
      /* logged above */
    }
    // Side requests (titles, summaries, next-speaker checks) carry no tools: answer them plainly.
    const scripted = Array.isArray(parsed.tools) && parsed.tools.length > 0;
    let t = scripted ? script[turn] : undefined;
    // "$LAST_TOOL_RESULT" in a scripted argument is replaced by the last tool result the model was sent.
    if (t && t.tool && JSON.stringify(t.args).includes('$LAST_TOOL_RESULT')) {
      const tools = (parsed.messages ?? []).filter((m) => m.role === 'tool');
      const last = tools[tools.length - 1];
      const text =
        typeof last?.content === 'string' ? last.content : (last?.content ?? []).map((p) => p.text ?? '').join('');
      t = { ...t, args: JSON.parse(JSON.stringify(t.args).replace('"$LAST_TOOL_RESULT"', JSON.stringify(text))) };
    }
    const n = scripted ? turn++ : -1;
    // "delayMs" in a turn: the model's think time before it answers (benchmarks of whole sessions).
    setTimeout(
      () => answer(req, res, body, parsed, scripted ? reply(t, n) : { role: 'assistant', content: '{}' }),
      t?.delayMs ?? 0,
    );
  });
});

function answer(req, res, body, parsed, msg) {
  const finish = msg.tool_calls ? 'tool_calls' : 'stop';
  const usage = {
    prompt_tokens: Math.ceil(body.length / 4),
    completion_tokens: 10,
    total_tokens: Math.ceil(body.length / 4) + 10,
  };
  if (parsed.stream) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const chunk = (delta, fin) =>
      `data: ${JSON.stringify({ id: 'fake', object: 'chat.completion.chunk', created: 0, model: 'fake-coder', choices: [{ index: 0, delta, finish_reason: fin ?? null }] })}\n\n`;
    if (msg.tool_calls) {
      res.write(
        chunk({
          role: 'assistant',
          tool_calls: [
            {
              index: 0,
              id: msg.tool_calls[0].id,
              type: 'function',
              function: { name: msg.tool_calls[0].function.name, arguments: '' },
            },
          ],
        }),
      );
      res.write(chunk({ tool_calls: [{ index: 0, function: { arguments: msg.tool_calls[0].function.arguments } }] }));
    } else res.write(chunk({ role: 'assistant', content: msg.content }));
    res.write(chunk({}, finish));
    res.write(
      `data: ${JSON.stringify({ id: 'fake', object: 'chat.completion.chunk', created: 0, model: 'fake-coder', choices: [], usage })}\n\n`,
    );
    res.end('data: [DONE]\n\n');
  } else {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: 'fake',
        object: 'chat.completion',
        created: 0,
        model: 'fake-coder',
        choices: [{ index: 0, message: msg, finish_reason: finish }],
        usage,
      }),
    );
  }
}

server.listen(0, '127.0.0.1', () => writeFileSync(portFile, String(server.address().port)));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
