// Command go_note_verify checks a C2SP signed note with the Go reference implementation,
// golang.org/x/mod/sumdb/note (Debian golang-golang-x-mod-dev), for tests/custody/test_c2sp_go.py.
//
//	go_note_verify NOTE_FILE VKEY...          note.Open with note.NewVerifier(vkey) for each vkey
//	go_note_verify -cosig NOTE_FILE NAME PUBKEY_B64
//	                                          check a tlog-cosignature/v1 line independently (crypto/ed25519)
//
// Prints the verified key names (or "cosignature <time>") and exits 0; prints the error and exits 1.
// Build in GOPATH mode: GOPATH=$PWD/gopath:/usr/share/gocode GO111MODULE=off go run main.go ...
package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"os"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

func main() {
	if len(os.Args) >= 5 && os.Args[1] == "-cosig" {
		os.Exit(cosig(os.Args[2], os.Args[3], os.Args[4]))
	}
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: go_note_verify NOTE_FILE VKEY... | -cosig NOTE_FILE NAME PUBKEY_B64")
		os.Exit(2)
	}
	msg, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Println(err)
		os.Exit(2)
	}
	var verifiers []note.Verifier
	for _, vkey := range os.Args[2:] {
		v, err := note.NewVerifier(vkey)
		if err != nil {
			fmt.Println("bad vkey:", err)
			os.Exit(1)
		}
		verifiers = append(verifiers, v)
	}
	n, err := note.Open(msg, note.VerifierList(verifiers...))
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	for _, s := range n.Sigs {
		fmt.Printf("verified %s %08x\n", s.Name, s.Hash)
	}
	for _, s := range n.UnverifiedSigs {
		fmt.Printf("ignored %s %08x\n", s.Name, s.Hash)
	}
}

func cosig(path, name, pub64 string) int {
	msg, err := os.ReadFile(path)
	if err != nil {
		fmt.Println(err)
		return 2
	}
	pub, err := base64.StdEncoding.DecodeString(pub64)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		fmt.Println("bad public key")
		return 2
	}
	split := bytes.LastIndex(msg, []byte("\n\n"))
	if split < 0 {
		fmt.Println("malformed note")
		return 1
	}
	text, sigs := msg[:split+1], string(msg[split+2:])
	h := sha256.Sum256(append([]byte(name+"\n\x04"), pub...))
	for _, line := range strings.Split(strings.TrimSuffix(sigs, "\n"), "\n") {
		prefix := "— " + name + " "
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		rest := line[len(prefix):]
		raw, err := base64.StdEncoding.DecodeString(rest)
		if err != nil || len(raw) != 4+8+64 || !bytes.Equal(raw[:4], h[:4]) {
			continue
		}
		ts := binary.BigEndian.Uint64(raw[4:12])
		signed := append([]byte(fmt.Sprintf("cosignature/v1\ntime %d\n", ts)), text...)
		if ed25519.Verify(pub, signed, raw[12:]) {
			fmt.Printf("cosignature %d\n", ts)
			return 0
		}
		fmt.Println("invalid cosignature")
		return 1
	}
	fmt.Println("no cosignature by", name)
	return 1
}
