# Cases for checks/agents.ts: coding agents and the guard itself.

# flag: agents.another-agent
claude -p 'fix the tests'
# flag: agents.unguarded-agent
codex exec 'fix the tests'
# flag: agents.unguarded-agent
npx @openai/codex exec 'fix the tests'
# flag: agents.sandboxed-agent
qwen -s -p 'fix the tests'
# ok: an agent's version
claude --version
# flag: agents.warden
warden uninstall
# ok: a warden scan
warden scan src
# flag: agents.kill
pkill -f warden
# ok: stopping another program
pkill -f vite
# flag: agents.audit-db
sqlite3 ~/.warden/audit.db
# flag: agents.kill
pkill -f 'w[a]rd.n'
# flag: agents.kill
killall -r 'w.rden'
# ok: a pattern that names only the dev server
pkill -f 'node dist/index.js'
