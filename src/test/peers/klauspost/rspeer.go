// Interop peer on klauspost/reedsolomon (Debian golang-github-klauspost-reedsolomon-dev), built
// offline by the Java tests:  GO111MODULE=off GOPATH=/usr/share/gocode go build -o target/peers/rspeer-go rspeer.go
//
//   rspeer-go encode      vandermonde|cauchy k m size              < k*size data bytes  > (k+m)*size shard bytes
//   rspeer-go reconstruct vandermonde|cauchy k m size lost[,lost]  < (k+m)*size bytes   > (k+m)*size bytes
//
// "lost" lists shard indexes to drop (set to nil) before Reconstruct; their input bytes are ignored.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/klauspost/reedsolomon"
)

func main() {
	if len(os.Args) < 6 {
		fail(fmt.Errorf("usage: rspeer-go encode|reconstruct vandermonde|cauchy k m size [lost,...]"))
	}
	k, m, size := atoi(os.Args[3]), atoi(os.Args[4]), atoi(os.Args[5])
	var opts []reedsolomon.Option
	switch os.Args[2] {
	case "vandermonde":
	case "cauchy":
		opts = append(opts, reedsolomon.WithCauchyMatrix())
	default:
		fail(fmt.Errorf("unknown matrix %q", os.Args[2]))
	}
	enc, err := reedsolomon.New(k, m, opts...)
	if err != nil {
		fail(err)
	}
	in := bufio.NewReader(os.Stdin)
	shards := make([][]byte, k+m)
	switch os.Args[1] {
	case "encode":
		for i := range shards {
			shards[i] = make([]byte, size)
			if i < k {
				readFull(in, shards[i])
			}
		}
		if err := enc.Encode(shards); err != nil {
			fail(err)
		}
	case "reconstruct":
		for i := range shards {
			shards[i] = make([]byte, size)
			readFull(in, shards[i])
		}
		if len(os.Args) > 6 && os.Args[6] != "" {
			for _, s := range strings.Split(os.Args[6], ",") {
				shards[atoi(s)] = nil
			}
		}
		if err := enc.Reconstruct(shards); err != nil {
			fail(err)
		}
	default:
		fail(fmt.Errorf("unknown operation %q", os.Args[1]))
	}
	out := bufio.NewWriter(os.Stdout)
	for _, s := range shards {
		out.Write(s)
	}
	if err := out.Flush(); err != nil {
		fail(err)
	}
}

func readFull(in io.Reader, b []byte) {
	if _, err := io.ReadFull(in, b); err != nil {
		fail(err)
	}
}

func atoi(s string) int {
	v, err := strconv.Atoi(s)
	if err != nil {
		fail(err)
	}
	return v
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "rspeer-go:", err)
	os.Exit(2)
}
