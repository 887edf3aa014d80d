package main

import (
	"crypto/md5"
	"crypto/rsa"
	"crypto/tls"
	"fmt"
	"html/template"
	"math/rand"
	"net/http"
	"os"
	"os/exec"
)

func run(dir string) {
	// ruleid: go.command-injection
	exec.Command("sh", "-c", "ls "+dir).Run()
	// ok: go.command-injection
	exec.Command("ls", dir).Run()
}

func query(db *sql.DB, name string) {
	// ruleid: go.sql-injection
	db.Query(fmt.Sprintf("SELECT * FROM users WHERE name = '%s'", name))
	// ruleid: go.sql-injection
	db.Exec("DELETE FROM users WHERE name = '" + name + "'")
	// ok: go.sql-injection
	db.Query("SELECT * FROM users WHERE name = $1", name)
}

func client() *http.Client {
	// ruleid: go.tls-insecure-skip-verify
	cfg := &tls.Config{InsecureSkipVerify: true}
	// ok: go.tls-insecure-skip-verify
	cfg2 := &tls.Config{MinVersion: tls.VersionTLS12}
	_ = cfg2
	return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}
}

func crypto(data []byte) {
	// ruleid: go.weak-crypto
	sum := md5.Sum(data)
	// ok: go.weak-crypto
	sum2 := sha256.Sum256(data)
	// ruleid: go.weak-random
	n := rand.Intn(100)
	// ok: go.weak-random
	n2, _ := cryptorand.Int(cryptorand.Reader, max)
	// ruleid: go.weak-rsa-key
	k, _ := rsa.GenerateKey(cryptorand.Reader, 1024)
	// ok: go.weak-rsa-key
	k2, _ := rsa.GenerateKey(cryptorand.Reader, 3072)
	_, _, _, _, _, _ = sum, sum2, n, n2, k, k2
}

func handler(w http.ResponseWriter, r *http.Request) {
	// ruleid: go.path-traversal
	data, _ := os.ReadFile("/srv/files/" + r.URL.Query().Get("name"))
	// ok: go.path-traversal
	index, _ := os.ReadFile("/srv/files/index.html")
	// ruleid: go.ssrf
	resp, _ := http.Get(r.URL.Query().Get("url"))
	// ok: go.ssrf
	resp2, _ := http.Get("https://api.example.com/health")
	// ruleid: go.unsafe-html
	h := template.HTML(r.FormValue("bio"))
	// ok: go.unsafe-html
	h2 := template.HTML("<b>static</b>")
	_, _, _, _, _, _ = data, index, resp, resp2, h, h2
}
