# Cases for checks/secrets.ts: reading secrets.

# flag: secrets.find-by-name
find / -name id_rsa
# ok: finding source files
find src -name '*.ts'
# flag: secrets.find-credential-files
find ~ -name '*.kdbx'
# flag: secrets.history-search
history | grep -i password
# ok: looking at the history
history 20
# flag: secrets.process-memory
gdb -p 1234
# flag: secrets.proc-memory
cat /proc/1234/environ
# ok: this process's own status
cat /proc/self/status
# flag: secrets.getent-shadow
getent shadow
# ok: looking up a user
getent passwd dev
# flag: secrets.ps-environment
ps eww
# ok: listing processes
ps aux
# flag: secrets.echo-secret
echo $AWS_SECRET_ACCESS_KEY
# ok: echoing an ordinary variable
echo $HOME
# flag: secrets.printenv-secret
printenv GITHUB_TOKEN
# flag: secrets.env-dump
printenv
# flag: secrets.env-dump
env | grep -i token
# ok: one setting filtered out of the environment
env | grep PATH
# flag: secrets.password-store
security find-generic-password -s github
# flag: secrets.password-store
gpg --decrypt secrets.gpg
# ok: verifying a signature
gpg --verify release.tar.gz.sig
# flag: secrets.printenv-secret
declare -p AWS_SECRET_ACCESS_KEY
# flag: secrets.env-dump
printenv | grep -i _key
# ok: an environment listing filtered for the keyboard layout variable
env | grep -i xkb
