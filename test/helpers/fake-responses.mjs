// A fake OpenAI Responses API model for end-to-end tests of Codex: it answers POST /v1/responses
// with a server-sent event stream from a script of turns, and logs every request it receives.
//
//   node test/helpers/fake-responses.mjs SCRIPT.json LOG.jsonl PORTFILE
//
// SCRIPT.json: [{ "tool": "exec_command", "args": {...} } | { "text": "..." }, ...]. Each request
// gets the next turn (a function call or a message); when the script is used up the model says
// "done". The port it listens on (127.0.0.1, chosen by the OS) is written to PORTFILE.
import { createServer } from 'node:http';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';

const [scriptFile, logFile, portFile] = process.argv.slice(2);
const script = JSON.parse(readFileSync(scriptFile, 'utf8'));
let turn = 0;

function item(t, n) {
  if (t && t.tool)
    return {
      type: 'function_call',
      id: `fc_${n}`,
      call_id: `call_${n}`,
      name: t.tool,
      arguments: JSON.stringify(t.args),
      status: 'completed',
    };
  const text = t ? t.text : 'done';
  return {
    type: 'message',
    id: `msg_${n}`,
    role: 'assistant',
    status: 'completed',
    content: [{ type: 'output_text', text, annotations: [] }],
  };
}

const usage = {
  input_tokens: 1,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: 1,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: 2,
};

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    appendFileSync(logFile, JSON.stringify({ method: req.method, url: req.url, body }) + '\n');
    if (req.method !== 'POST' || !req.url.endsWith('/responses')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"not here"}}');
      return;
    }
    const n = ++turn;
    const it = item(script[n - 1], n);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const send = (type, data) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    send('response.created', { response: { id: `resp_${n}` } });
    send('response.output_item.added', { output_index: 0, item: it });
    send('response.output_item.done', { output_index: 0, item: it });
    send('response.completed', { response: { id: `resp_${n}`, usage } });
    res.end();
  });
});
server.listen(0, '127.0.0.1', () => writeFileSync(portFile, String(server.address().port)));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
