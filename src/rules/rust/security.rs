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
}

fn hashes(data: &[u8]) {
    // ruleid: rust.weak-hash
    let mut h = Sha1::new();
    // ok: rust.weak-hash
    let mut h2 = Sha256::new();
}

fn args() {
    // ruleid: rust.args-trusted
    let argv: Vec<String> = env::args().collect();
    // ok: rust.args-trusted
    let home = env::var("HOME");
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
}
