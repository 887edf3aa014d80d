package main

import (
	"archive/tar"
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
	// ruleid: go.tls-insecure-skip-verify
	cfg2.InsecureSkipVerify = true
	// ok: go.tls-insecure-skip-verify
	cfg2.InsecureSkipVerify = false
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
	params := new(dsa.Parameters)
	// ruleid: go.weak-rsa-key
	_ = dsa.GenerateParameters(params, cryptorand.Reader, dsa.L1024N160)
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

func lookup(db *sql.DB, username string, block cipher.Block, token string) {
	query := fmt.Sprintf("SELECT info FROM users WHERE name = '%s'", username)
	// ruleid: go.sql-injection
	row := db.QueryRow(query)
	safe := "SELECT info FROM users WHERE name = ?"
	// ok: go.sql-injection
	row2 := db.QueryRow(safe, username)
	// ruleid: go.xpath-injection
	xq := fmt.Sprintf("//student[username='%s']", username)
	// ok: go.xpath-injection
	xq2 := fmt.Sprintf("./%s", username)
	// ruleid: go.static-iv
	iv := []byte{0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f}
	// ok: go.static-iv
	iv2 := make([]byte, aes.BlockSize)
	_, _ = io.ReadFull(cryptorand.Reader, iv2)
	mode := cipher.NewCBCEncrypter(block, iv)
	// ruleid: go.jwt-unverified
	parsed, _, _ := jwt.NewParser().ParseUnverified(token, jwt.MapClaims{})
	// ok: go.jwt-unverified
	parsed2, _ := jwt.Parse(token, keyFunc)
	_, _, _, _, _, _, _ = row, row2, xq, xq2, mode, parsed, parsed2
}

func untar(r *tar.Reader, dest string) {
	for {
		header, err := r.Next()
		if err != nil {
			return
		}
		// ruleid: go.archive-path-traversal
		target := filepath.Join(dest, header.Name)
		// ok: go.archive-path-traversal
		logDir := filepath.Join(dest, "logs")
		_, _ = target, logDir
	}
}

func readFromDir(dirPath string, filename string) string {
	// ruleid: go.path-join-parameter
	filePath := filepath.Join(dirPath, filename)
	data, _ := os.ReadFile(filePath)
	return string(data)
}

func readFromDirBase(dirPath string, filename string) string {
	// ok: go.path-join-parameter
	filePath := filepath.Join(dirPath, filepath.Base(filename))
	data, _ := os.ReadFile(filePath)
	return string(data)
}

func storeHeader(header map[string]string, key string, value string) map[string]string {
	// ruleid: go.header-injection
	header[key] = value
	return header
}

func storeHeaderClean(header map[string]string, key string, value string) map[string]string {
	value = strings.NewReplacer("\r", "", "\n", "").Replace(value)
	// ok: go.header-injection
	header[key] = value
	return header
}

func redirectTarget(targetHost string, domain string) bool {
	// ruleid: go.host-substring-check
	if strings.Contains(targetHost, domain) {
		return true
	}
	// ok: go.host-substring-check
	return targetHost == domain || strings.HasSuffix(targetHost, "."+domain)
}

func greet(w http.ResponseWriter, r *http.Request) {
	// ruleid: go.xss-response-write
	fmt.Fprintf(w, "<h1>%s</h1>", r.URL.Query().Get("name"))
	// ok: go.xss-response-write
	fmt.Fprintf(w, "<h1>%s</h1>", html.EscapeString(r.URL.Query().Get("name")))
	// ok: go.xss-response-write
	fmt.Fprintf(os.Stderr, "name=%s", r.URL.Query().Get("name"))
}

func hashPassword(password string) ([]byte, []byte) {
	salt := []byte{0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f}
	// ruleid: go.constant-salt
	h := pbkdf2.Key([]byte(password), salt, 600000, 32, sha256.New)
	// ruleid: go.constant-salt
	h2 := pbkdf2.Key([]byte(password), []byte("pepper"), 600000, 32, sha256.New)
	fresh := make([]byte, 16)
	_, _ = io.ReadFull(cryptorand.Reader, fresh)
	// ok: go.constant-salt
	h3 := pbkdf2.Key([]byte(password), fresh, 600000, 32, sha256.New)
	_, _ = h, h2
	return h3, fresh
}
