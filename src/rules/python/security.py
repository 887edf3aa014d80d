import os, subprocess, pickle, yaml, hashlib, random, secrets, tempfile, ssl, re, jwt, requests
from flask import Flask, request, redirect, make_response, render_template_string, session, url_for
from Crypto.Cipher import AES, DES
from Crypto.PublicKey import RSA

app = Flask(__name__)


def commands(user_dir, name):
    # ruleid: python.os-system-injection
    os.system("ls " + user_dir)
    # ruleid: python.os-system-injection
    os.popen(f"cat {name}")
    # ok: python.os-system-injection
    os.system("ls -l /tmp")
    # ruleid: python.subprocess-shell-injection
    subprocess.check_output(f'ls -l {user_dir}', shell=True, text=True)
    # ruleid: python.subprocess-shell-injection
    subprocess.run(cmd, shell=True)
    # ok: python.subprocess-shell-injection
    subprocess.run(["ls", "-l", user_dir])
    # ok: python.subprocess-shell-injection
    subprocess.run("make clean", shell=True)


def code(expr):
    # ruleid: python.eval-injection
    return eval(expr)


def code2(module):
    # ruleid: python.eval-injection
    exec('import %s' % module)
    # ok: python.eval-injection
    eval("1 + 2")


def load(blob, stream):
    # ruleid: python.pickle-deserialization
    obj = pickle.loads(blob)
    # ok: python.pickle-deserialization
    data = pickle.dumps(obj)
    # ruleid: python.yaml-unsafe-load
    cfg = yaml.load(stream, Loader=yaml.Loader)
    # ok: python.yaml-unsafe-load
    cfg = yaml.load(stream, Loader=yaml.SafeLoader)
    # ok: python.yaml-unsafe-load
    cfg = yaml.safe_load(stream)
    return data, cfg


def sql(cursor, username, table):
    query = f"SELECT * FROM users WHERE name = '{username}'"
    # ruleid: python.sql-injection
    cursor.execute(query)
    # ruleid: python.sql-injection
    cursor.execute("select * from %s" % table)
    # ok: python.sql-injection
    cursor.execute("SELECT * FROM users WHERE name = ?", (username,))
    other = "SELECT 1"
    # ok: python.sql-injection
    cursor.execute(other)


@app.route('/file')
def get_file():
    name = request.args.get('name')
    # ruleid: python.path-traversal
    with open(f'/srv/files/{name}') as fh:
        body = fh.read()
    # ok: python.path-traversal
    with open('/srv/files/index.txt') as fh:
        body += fh.read()
    # ruleid: python.ssrf-request-url
    requests.get(request.args['url'])
    # ok: python.ssrf-request-url
    requests.get('https://api.example.com/status')
    # ruleid: python.open-redirect
    return redirect(request.args.get('next'))


@app.route('/ok')
def safe_redirect():
    target = request.args.get('next')
    # ok: python.open-redirect
    return redirect(url_for('index'))


def not_a_handler(name):
    # ok: python.path-traversal
    return open(f'/srv/files/{name}').read()


def extract(tar, dest):
    # ruleid: python.tar-extractall
    tar.extractall(dest)
    # ok: python.tar-extractall
    tar.extractall(dest, filter='data')


@app.route('/hello')
def hello():
    param = request.args.get('name')
    # ruleid: python.ssti-render-template-string
    page = render_template_string("<h1>Hello " + param + "</h1>")
    # ok: python.ssti-render-template-string
    page = render_template_string("<h1>Hello {{ name }}</h1>", name=param)
    # ruleid: python.xss-response
    resp = make_response(f"<p>{param}</p>")
    # ok: python.xss-response
    resp = make_response(f"<p>{escape(param)}</p>")
    # ruleid: python.trust-boundary-session
    session['user'] = param
    # ok: python.trust-boundary-session
    session['visits'] = 1
    return resp


def xml_queries(root, username, ET, conn, parser, handler):
    q = f"//user[name='{username}']"
    # ruleid: python.xpath-injection
    root.xpath(q)
    # ok: python.xpath-injection
    root.xpath("//user[name=$n]", n=username)
    flt = f'(&(objectclass=person)(uid={username}))'
    # ruleid: python.ldap-injection
    conn.search('ou=users', flt)
    # ok: python.ldap-injection
    conn.search('ou=users', '(objectclass=person)')
    # ruleid: python.xxe-external-entities
    parser.setFeature(handler.feature_external_ges, True)
    # ok: python.xxe-external-entities
    parser.setFeature(handler.feature_external_ges, False)


def cookies(resp, value):
    # ruleid: python.insecure-cookie
    resp.set_cookie('sid', value, secure=False, httponly=True)
    # ok: python.insecure-cookie
    resp.set_cookie('sid', value, secure=True, httponly=True)


def hashing(data, password):
    # ruleid: python.weak-hash
    h = hashlib.md5(data)
    # ruleid: python.weak-hash
    h = hashlib.new('sha1')
    # ok: python.weak-hash
    h = hashlib.md5(data, usedforsecurity=False)
    # ok: python.weak-hash
    h = hashlib.sha256(data)
    # ruleid: python.fast-hash-for-password
    stored = hashlib.sha256(password.encode()).hexdigest()
    # ok: python.fast-hash-for-password
    digest = hashlib.sha256(data).hexdigest()
    # ruleid: python.weak-pbkdf2
    key = hashlib.pbkdf2_hmac('sha256', password, salt, 1000)
    # ok: python.weak-pbkdf2
    key = hashlib.pbkdf2_hmac('sha256', password, salt, 600_000)
    return h, stored, digest, key


def tokens():
    # ruleid: python.weak-random
    delay = random.random()
    # ruleid: python.weak-random, python.weak-random-secret
    reset_token = str(random.getrandbits(64))
    # ok: python.weak-random, python.weak-random-secret
    api_token = secrets.token_urlsafe(32)
    return delay, reset_token, api_token


def ciphers(key, data, os_random):
    # ruleid: python.weak-cipher
    c = DES.new(key[:8], DES.MODE_CBC, os_random)
    # ruleid: python.weak-cipher
    c = AES.new(key, AES.MODE_ECB)
    # ok: python.weak-cipher
    c = AES.new(key, AES.MODE_GCM)
    # ruleid: python.weak-key-size
    k = RSA.generate(1024)
    # ok: python.weak-key-size
    k = RSA.generate(3072)
    # ruleid: python.static-iv
    iv = b'\x00' * 16
    # ok: python.static-iv
    iv = os.urandom(16)
    return c, k, iv


def tls(url, token, key):
    # ruleid: python.tls-verify-disabled
    requests.get(url, verify=False)
    # ok: python.tls-verify-disabled
    requests.get(url, verify='/etc/ssl/corp-ca.pem')
    # ruleid: python.tls-verify-disabled
    ctx = ssl._create_unverified_context()
    # ruleid: python.jwt-signature-not-verified
    claims = jwt.decode(token, key, options={'verify_signature': False})
    # ok: python.jwt-signature-not-verified
    claims = jwt.decode(token, key, algorithms=['HS256'])
    return ctx, claims


def files(path, results):
    # ruleid: python.insecure-tempfile
    name = tempfile.mktemp()
    # ok: python.insecure-tempfile
    fd, name = tempfile.mkstemp()
    # ruleid: python.world-writable-permissions
    os.chmod(path, 0o777)
    # ok: python.world-writable-permissions
    os.chmod(path, 0o600)
    return name


def ssh(client, paramiko):
    # ruleid: python.paramiko-auto-add-policy
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    # ok: python.paramiko-auto-add-policy
    client.set_missing_host_key_policy(paramiko.RejectPolicy())


def search(pattern, content):
    # ruleid: python.regex-injection
    return re.search(pattern, content)


def search_escaped(pattern, content):
    # ok: python.regex-injection
    return re.search(re.escape(pattern), content)


def store_header(info_content, header):
    # ruleid: python.header-injection
    header['X-Info'] = info_content
    return header


def store_header_checked(info_content, header):
    if '\n' in info_content or '\r' in info_content:
        return header
    # ok: python.header-injection
    header['X-Info'] = info_content
    return header


def login(logger, user, password):
    # ruleid: python.secret-in-log
    logger.info(f"login {user} with {password}")
    # ok: python.secret-in-log
    logger.info(f"login {user}")
    # ok: python.secret-in-log
    logger.debug('DECREF %r', token.id)


if __name__ == '__main__':
    # ruleid: python.flask-debug
    app.run(host='127.0.0.1', debug=True)
    # ok: python.flask-debug
    app.run(host='127.0.0.1', debug=False)


# Value flow (rules with `flow`): a finding needs a value that can carry data into the sink.
@app.route('/flow')
def flow_cases():
    param = request.form.get('id', '')
    conf = configparser.ConfigParser()
    conf.set('s', 'k', param)
    stored = conf.get('s', 'k')
    q = f"/users/user[@id='{stored}']"
    # ruleid: python.xpath-injection
    tree.xpath(q)
    # ok: python.xpath-injection
    words = re.findall(r"\b" + q + r"\w+\b", text)
    num = 86
    picked = 'fixed' if 7 * 18 + num > 200 else param
    q2 = f"/users/user[@id='{picked}']"
    # ok: python.xpath-injection
    tree.xpath(q2)
    lst = ['safe', param, 'moresafe']
    lst.pop(0)
    q3 = f"/users/user[@id='{lst[1]}']"
    # ok: python.xpath-injection
    tree.xpath(q3)
    q4 = f"/users/user[@id='{lst[0]}']"
    # ruleid: python.xpath-injection
    tree.xpath(q4)
    safe_id = param.replace("'", "&apos;")
    q5 = f"/users/user[@id='{safe_id}']"
    # ok: python.xpath-injection
    tree.xpath(q5)
    guess = 'ABC'[1]
    match guess:
        case 'A':
            name = param
        case 'B':
            name = 'bob'
        case _:
            name = param
    # ok: python.path-traversal
    open(f'/srv/files/{name}')
    if '..' in param:
        return 'no'
    # ok: python.path-traversal
    open(f'/srv/files/{param}')
    settings = {'a': 'x', 'b': param}
    # ruleid: python.sql-injection
    cursor.execute(f"SELECT * FROM t WHERE v = '{settings['b']}'")
    # ok: python.sql-injection
    cursor.execute(f"SELECT * FROM t WHERE v = '{settings['a']}'")
    return 'done'


def read_from_dir(filename, dir_path):
    # ruleid: python.path-join-parameter
    path = os.path.join(dir_path, filename)
    with open(path) as f:
        return f.read()


def read_from_dir_checked(filename, dir_path):
    # ok: python.path-join-parameter
    path = os.path.abspath(os.path.join(dir_path, filename))
    if not path.startswith(os.path.abspath(dir_path) + os.sep):
        return ''
    with open(path) as f:
        return f.read()


def write_to_dir(filename, directory, content):
    # ok: python.path-join-parameter
    with open(os.path.join(directory, filename), 'w') as f:
        f.write(content)


@app.route('/download')
def download():
    # ruleid: python.path-traversal
    return send_file(request.args['path'])


@app.route('/download2')
def download2():
    # ok: python.path-traversal
    return send_file(os.path.join('/srv/files', secure_filename(request.args['path'])))


from flask_cors import CORS
# ruleid: python.cors-any-origin-credentials
CORS(app, origins="*", supports_credentials=True)
# ok: python.cors-any-origin-credentials
CORS(app, origins=["https://app.example.com"], supports_credentials=True)


def check_signature(sig, body, key):
    # ruleid: python.timing-unsafe-compare
    if hmac.new(key, body, hashlib.sha256).hexdigest() == sig:
        return True
    # ok: python.timing-unsafe-compare
    return hmac.compare_digest(hmac.new(key, body, hashlib.sha256).hexdigest(), sig)


def issue_token(uid):
    # ruleid: python.jwt-hardcoded-secret
    token = jwt.encode({'uid': uid}, 'secret123', algorithm='HS256')
    # ok: python.jwt-hardcoded-secret
    return jwt.decode(token, os.environ['JWT_SECRET'], algorithms=['HS256'])


def delete_user(user, target):
    # ruleid: python.assert-authorization
    assert user.is_admin, 'admins only'
    # ok: python.assert-authorization
    assert target is not None
    target.delete()


def credentials(form, cfg):
    # ruleid: python.hardcoded-password
    password = "orator"
    # ruleid: python.hardcoded-password
    form['password'] = 'myprecious'
    # ruleid: python.hardcoded-password
    cfg.san_password = 'sysadmin'
    # ruleid: python.hardcoded-password
    conn = db.connect(user='app', password='hunter22')
    # ok: python.hardcoded-password
    password = os.environ['DB_PASSWORD']
    # ok: python.hardcoded-password
    password_reset_template = 'auth/password_reset/form.html'
    # ok: python.hardcoded-password
    password = ''
    # ok: python.hardcoded-password
    api_key = 'YOUR_API_KEY'
    # ok: python.hardcoded-password
    prompt = input('Password: ')
    return password, conn, prompt
