class UsersController < ApplicationController
  def run(dir)
    # ruleid: ruby.command-injection
    system("ls #{dir}")
    # ok: ruby.command-injection
    system("ls", dir)
    # ruleid: ruby.command-injection
    out = `cat #{dir}/file`
  end

  def code(expr)
    # ruleid: ruby.code-injection
    eval(expr)
    # ok: ruby.code-injection
    eval("1 + 1")
  end

  def load(blob)
    # ruleid: ruby.unsafe-deserialization
    obj = Marshal.load(blob)
    # ok: ruby.unsafe-deserialization
    obj = JSON.parse(blob)
  end

  def search
    # ruleid: ruby.sql-injection
    User.where("name = '#{params[:name]}'")
    # ok: ruby.sql-injection
    User.where("name = ?", params[:name])
    # ruleid: ruby.open-with-user-input
    open(params[:file])
    # ok: ruby.open-with-user-input
    File.open("/srv/index.html")
  end

  def crypto(data)
    # ruleid: ruby.weak-hash
    Digest::MD5.hexdigest(data)
    # ok: ruby.weak-hash
    Digest::SHA256.hexdigest(data)
    # ruleid: ruby.tls-verify-none
    http.verify_mode = OpenSSL::SSL::VERIFY_NONE
    # ok: ruby.tls-verify-none
    http.verify_mode = OpenSSL::SSL::VERIFY_PEER
  end
end

class FilesController < ApplicationController
  def show
    # ruleid: ruby.render-inline-params
    render inline: params[:tpl]
  end

  def page
    # ok: ruby.render-inline-params
    render :page, locals: { title: params[:title] }
  end

  def download
    # ruleid: ruby.send-file-params
    send_file params[:path]
  end

  def download2
    # ruleid: ruby.send-file-params
    send_file "/srv/files/#{params[:name]}"
  end

  def raw
    # ruleid: ruby.send-file-params
    File.read(params[:path])
  end

  def manual
    # ok: ruby.send-file-params
    send_file Rails.root.join('public', 'manual.pdf')
  end
end
