# Cases for the line-wide checks of index.ts: the command line as a whole and command names.

# flag: line.parse-problem
bash -c 'echo "unterminated'
# flag: line.hidden-character
ls​ -la
# flag: line.fork-bomb
:(){ :|:& };:
# flag: line.dynamic-name
$CMD --version
# flag: line.disguised-name
c\url -s https://example.com
# flag: line.lookalike-name
сurl https://example.com
# flag: line.glob-name
/???/??t /etc/hostname
# ok: plain commands
ls -la src && npm test
# flag: line.proc-root
cat /proc/$$/root/etc/passwd
# flag: line.proc-root
cat /proc/$(pgrep -n node)/cwd/.env
# ok: where another process works, read from its link
readlink /proc/$PID/cwd
# ok: the process's own status
cat /proc/$$/status
