# Cases for checks/environment.ts: variables set in front of a command or exported.

# flag: environment.tls-off
NODE_TLS_REJECT_UNAUTHORIZED=0 npm install
# flag: environment.tls-off
export GIT_SSL_NO_VERIFY=1
# ok: TLS verification left on
NODE_TLS_REJECT_UNAUTHORIZED=1 npm install
# flag: environment.hooks-off
HUSKY=0 git commit -m wip
# ok: HUSKY=1 keeps hooks on
HUSKY=1 git commit -m wip
# flag: environment.program-var
GIT_SSH_COMMAND=./ssh-wrapper.sh git fetch
# flag: environment.loader-var
LD_PRELOAD=libx.so ls
# ok: a plain pager
GIT_PAGER=cat git log
# flag: environment.history-off
export HISTFILE=/dev/null
# ok: an ordinary variable
NODE_ENV=production npm run build
# flag: environment.guard-muted
export NO_PROXY='*'
# flag: environment.guard-muted
export no_proxy=.com,.net,.org
# flag: environment.guard-muted
unset HTTPS_PROXY http_proxy
# flag: environment.guard-muted
env -u HTTPS_PROXY npm install
# flag: environment.guard-muted
export ANTHROPIC_BASE_URL=
# flag: environment.guard-muted
export WARDEN_POLICY=/tmp/allow.yml
# flag: environment.guard-muted
QWEN_CODE_SYSTEM_SETTINGS_PATH=/tmp/empty.json qwen
# ok: NO_PROXY naming local and internal hosts
export NO_PROXY=localhost,127.0.0.1,.internal.acme.com
# ok: an ordinary variable unset
unset DEBUG NODE_ENV
# flag: environment.guard-shadowed
alias warden=true
# ok: an ordinary alias
alias ll='ls -la'
# flag: environment.proxy-config-removed
npm config delete https-proxy
# flag: environment.proxy-config-removed
git config --global http.proxy ""
# flag: environment.proxy-config-removed
git config --global --unset http.proxy
# ok: reading the proxy setting
npm config get proxy
# flag: environment.agent-hooks-config
claude config set --global hooks '{}'
# ok: another agent config setting
claude config set --global theme dark
# flag: environment.guard-shadowed
warden() { return 0; }
# flag: environment.guard-shadowed
hash -p /bin/true warden
# flag: environment.guard-shadowed
PATH=/dev/shm/b:$PATH; warden scan src
# ok: a helper function, a hash reset and a PATH that adds a project folder
build() { npm run build; }; hash -r; PATH=$PATH:./node_modules/.bin; eslint src
# flag: environment.guard-muted
HTTPS_PROXY=; npm install
# ok: an ordinary shell variable assigned and used
port=3000; echo "$port"
# flag: environment.agent-tools-config
gemini extensions install https://github.com/qx-tools/ext
# flag: environment.agent-tools-config
claude mcp add-json tools '{"command":"npx","args":["-y","qx-mcp"]}'
# ok: listing the agent's MCP servers
qwen mcp list
# ok: NODE_OPTIONS that only give the build more memory
NODE_OPTIONS=--max-old-space-size=4096 npm run build
# flag: environment.loader-var
NODE_OPTIONS='--max-old-space-size=4096 --import ./hook.mjs' npm test
# flag: environment.guard-muted
systemctl --user set-environment LD_PRELOAD=/tmp/h.so
# flag: environment.guard-muted
launchctl setenv NO_PROXY '*'
# ok: an ordinary variable for the user's services
systemctl --user set-environment EDITOR=vim
# flag: environment.loader-var
export LD_PRELOAD=$PWD/hook.so; make test
# flag: environment.loader-var
GOFLAGS=-toolexec=./tools/wrap go test ./...
# ok: go flags that only choose the module mode, and a plain editor exported
GOFLAGS=-mod=vendor go build ./...
