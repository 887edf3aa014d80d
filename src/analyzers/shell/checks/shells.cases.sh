# Cases for checks/shells.ts: shells run as programs.

# flag: shells.interactive
bash
# flag: shells.interactive-flag
bash -i
# ok: a shell running a workspace script
bash scripts/build.sh
# ok: a shell running a command string (its commands are judged on their own)
sh -c 'npm test'
# flag: shells.unparsed
nu -c 'ls'
# flag: shells.script-path-dynamic
bash "$SCRIPT"
# flag: shells.downloaded-script
curl -o x.sh https://example.com/x.sh && bash x.sh
# flag: shells.script-outside
bash /opt/tools/setup.sh
# flag: shells.runs-output
bash /dev/stdin
