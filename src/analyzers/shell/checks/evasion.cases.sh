# Cases for checks/evasion.ts: hiding from or switching off defences.

# flag: evasion.security-product-hunt
ps aux | grep -i -e falcon -e crowdstrike
# ok: looking for one's own process
ps aux | grep node
# flag: evasion.vm-check
dmesg | grep -i virtualbox
# flag: evasion.hypervisor-query
sysctl -n kern.hv_vmm_present
# flag: evasion.timestomp
touch -t 202001010000 /etc/hosts
# ok: touching a workspace file
touch -t 202001010000 src/a.ts
# flag: evasion.logging-off
systemctl stop auditd
# flag: evasion.logging-off
history -c
# flag: evasion.clock
date -s '2020-01-01 00:00'
# ok: printing a date
date +%Y-%m-%d
# flag: evasion.hide-files
chattr +i /etc/resolv.conf
# flag: evasion.pfctl
pfctl -d
# flag: evasion.pf-stop
service pf stop
# flag: evasion.guard-killed
kill $(pgrep -f 'warden daemon')
# flag: evasion.guard-killed
ps aux | grep '[w]arden' | awk '{print $2}' | xargs kill
# flag: evasion.guard-killed
lsof -t ~/.warden/audit.db | xargs kill -9
# flag: evasion.guard-killed
killall -q node
# flag: evasion.guard-killed
kill -9 -1
# flag: evasion.guard-killed
fuser -k ~/.warden/audit.db
# ok: a hang-up signal to one process
kill -1 4242
# ok: the dev server's own pid file
kill $(cat .dev-server.pid)
# ok: a dev server stopped by its command line
pkill -f 'vite --port 5173'
# flag: evasion.guard-killed
kill -TERM $(pidof nodejs)
# flag: evasion.guard-killed
pkill -KILL -U 1000
# ok: one named program of the user, and a pid looked up by another name
pkill -u dev -f 'jest --watch' && kill $(pidof vite)
