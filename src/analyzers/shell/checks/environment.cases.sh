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
