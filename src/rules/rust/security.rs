use std::env;
use std::process::Command;

fn client() -> reqwest::Client {
    // ruleid: rust.tls-accept-invalid
    reqwest::Client::builder().danger_accept_invalid_certs(true).build().unwrap()
}

fn client2() -> reqwest::Client {
    // ok: rust.tls-accept-invalid
    reqwest::Client::builder().danger_accept_invalid_certs(false).build().unwrap()
}

fn run(dir: &str) {
    // ruleid: rust.command-shell
    Command::new("sh").arg("-c").arg(format!("ls {}", dir)).status().unwrap();
    // ok: rust.command-shell
    Command::new("ls").arg(dir).status().unwrap();
    // ruleid: rust.command-variable
    Command::new(program).arg(dir).status().unwrap();
    // ruleid: rust.command-variable
    Command::new(&self.editor).arg(dir).status().unwrap();
    // ok: rust.command-variable
    Command::new(GIT).arg(dir).status().unwrap();
}

fn hashes(data: &[u8]) {
    // ruleid: rust.weak-hash
    let mut h = Sha1::new();
    // ok: rust.weak-hash
    let mut h2 = Sha256::new();
    // ruleid: rust.weak-hash
    let digests: Vec<_> = parts.iter().map(Md5::digest).collect();
    // ruleid: rust.weak-hash
    let d = hash(MessageDigest::sha1(), data);
    // ok: rust.weak-hash
    let d2 = hash(MessageDigest::sha256(), data);
    // ruleid: rust.weak-cipher
    let c = symm::Cipher::bf_cbc();
    // ruleid: rust.weak-cipher
    let c2 = Cipher::aes_128_ecb();
    // ok: rust.weak-cipher
    let c3 = Cipher::aes_256_gcm();
}

fn args() {
    // ruleid: rust.args-trusted
    let argv: Vec<String> = env::args().collect();
    // ok: rust.args-trusted
    let home = env::var("HOME");
    // ruleid: rust.args-trusted
    let old = std::os::args();
    // ruleid: rust.temp-dir
    let tmp = env::temp_dir();
    // ok: rust.temp-dir
    let dir = tempfile::tempdir();
}

fn raw(p: *const u8) -> u8 {
    // ruleid: rust.unsafe-block
    unsafe { *p }
}

// ok: rust.unsafe-block
fn safe(v: &[u8]) -> u8 { v[0] }

async fn db(pool: &PgPool, name: &str) {
    // ruleid: rust.sql-format
    sqlx::query(&format!("SELECT * FROM users WHERE name = '{}'", name)).execute(pool).await;
    // ok: rust.sql-format
    sqlx::query("SELECT * FROM users WHERE name = $1").bind(name).execute(pool).await;
    // ruleid: rust.sql-variable
    diesel::sql_query(query_text).load::<User>(conn);
    // ok: rust.sql-variable
    diesel::sql_query("SELECT * FROM users WHERE id = $1").bind::<Integer, _>(id).load::<User>(conn);
}
