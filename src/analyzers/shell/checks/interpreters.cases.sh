# Cases for checks/interpreters.ts: programs that run code handed to them.

# flag: interpreters.inline-code
python3 -c "$CODE"
# ok: inline code the command line holds is scanned by the code analyzers, not reported here
python3 -c 'print(1)'
# flag: interpreters.masquerade
./report.pdf.sh
# flag: interpreters.script-path-dynamic
python3 "$SCRIPT"
# flag: interpreters.temp-exec
python3 /tmp/payload.py
# ok: a workspace script
python3 tools/gen.py
# flag: interpreters.shell-handed
less /bin/sh
# ok: grep's pattern naming a shell runs nothing
grep '/bin/bash' /etc/passwd
# flag: interpreters.interactive
vim notes.txt
# ok: a pager fed by a pipe prints like cat
git log | less
# flag: interpreters.eval-option
make --eval='x: ; id'
# ok: make with a target
make build
# flag: interpreters.repl
python3
# ok: python with a script
python3 main.py
# flag: interpreters.repl
screen
# flag: interpreters.osascript-inline
osascript -e 'display dialog "hi"'
# flag: interpreters.osascript-file
osascript prompt.scpt
# flag: interpreters.editor-shell
vim -es -c ':!id' -c ':q'
# flag: interpreters.editor-shell
ex -sc 'py3 import os; os.system("id")' -c q notes.txt
# flag: paths.write-persistence
vim -Es +'$put =\"set -o vi\"' +wq ~/.bashrc
# ok: vim in silent ex mode editing a workspace file
vim -es -c '%s/foo/bar/g' -c 'wq' src/index.js
# flag: interpreters.decoded-eval
perl -e 'eval pack("H*","7072696e74203132330a")'
# flag: interpreters.decoded-eval
ruby -rbase64 -e 'eval Base64.decode64("cHV0cyAx")'
# flag: interpreters.decoded-eval
php -r 'eval(base64_decode("ZWNobyAxOw=="));'
# ok: decoding a value and printing it runs nothing
perl -e 'print pack("H*","68656c6c6f")'
