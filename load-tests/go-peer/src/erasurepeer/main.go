// erasurepeer: the server a storage engineer might write instead of running the Erasure Service,
// Go's net/http plus klauspost/reedsolomon, answering the same wire format as the service's
// POST /v1/encode and POST /v1/echo. The load runner (load-tests/runner) measures it next to the
// service as a reference point: same requests, same load generator, alternating.
//
//	POST /v1/encode?k=K&m=M[&codec=rs-vandermonde|rs-cauchy]  object -> multipart/mixed, k+m parts,
//	     each with Content-Type, Shard-Index and Shard-CRC32C; response headers Codec, Data-Shards,
//	     Parity-Shards, Shard-Size, Object-Size and Content-Length, as the service sends them
//	POST /v1/echo                                              the body, unchanged
//	GET  /q/health/ready                                       200 once listening
//
// Built offline in GOPATH mode against Debian's golang-github-klauspost-reedsolomon-dev:
//
//	GO111MODULE=off GOFLAGS= GOPATH=$PWD/load-tests/go-peer:/usr/share/gocode go build -o erasurepeer erasurepeer
//
// Run: erasurepeer -addr 127.0.0.1:8090
//
// It is a plain, reasonable implementation, not a tuned one: request bodies are read into pooled
// byte slices (the stripe's room for parity included), coded in place, and written back part by
// part through net/http's buffered writer. Errors are plain-text 400s; it is a benchmark peer,
// not a second implementation of the contract.
package main

import (
	"encoding/hex"
	"flag"
	"fmt"
	"hash/crc32"
	"io"
	"log"
	"math/rand"
	"net/http"
	"strconv"
	"sync"

	"github.com/klauspost/reedsolomon"
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// codes caches one encoder per (codec, k, m); klauspost encoders are safe for concurrent use.
var codes sync.Map

type shape struct {
	cauchy bool
	k, m   int
}

func codeFor(s shape) (reedsolomon.Encoder, error) {
	if e, ok := codes.Load(s); ok {
		return e.(reedsolomon.Encoder), nil
	}
	var opts []reedsolomon.Option
	if s.cauchy {
		opts = append(opts, reedsolomon.WithCauchyMatrix())
	}
	e, err := reedsolomon.New(s.k, s.m, opts...)
	if err != nil {
		return nil, err
	}
	actual, _ := codes.LoadOrStore(s, e)
	return actual.(reedsolomon.Encoder), nil
}

// buffers recycles request buffers, so steady traffic does not allocate a stripe per request.
var buffers sync.Pool

// readInto reads the whole body into a pooled buffer with at least `room` bytes of capacity past
// the body. The caller puts *buf back into the pool when the response is written.
func readInto(r *http.Request, room int) (*[]byte, []byte, error) {
	buf, _ := buffers.Get().(*[]byte)
	if buf == nil {
		buf = new([]byte)
	}
	if r.ContentLength >= 0 {
		need := int(r.ContentLength) + room
		if cap(*buf) < need {
			*buf = make([]byte, need)
		}
		body := (*buf)[:r.ContentLength]
		if _, err := io.ReadFull(r.Body, body); err != nil {
			buffers.Put(buf)
			return nil, nil, err
		}
		return buf, body, nil
	}
	// chunked: read it all, then make sure the room is there
	body, err := io.ReadAll(r.Body)
	if err != nil {
		buffers.Put(buf)
		return nil, nil, err
	}
	if cap(*buf) < len(body)+room {
		*buf = make([]byte, len(body)+room)
	}
	return buf, (*buf)[:copy((*buf)[:len(body)], body)], nil
}

func echo(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	buf, body, err := readInto(r, 0)
	if err != nil {
		http.Error(w, "cannot read the body: "+err.Error(), http.StatusBadRequest)
		return
	}
	defer buffers.Put(buf)
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

func encode(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	query := r.URL.Query()
	k, errK := strconv.Atoi(query.Get("k"))
	m, errM := strconv.Atoi(query.Get("m"))
	codec := query.Get("codec")
	if codec == "" {
		codec = "rs-vandermonde"
	}
	if errK != nil || errM != nil || k < 1 || m < 1 || k+m > 256 ||
		(codec != "rs-vandermonde" && codec != "rs-cauchy") {
		http.Error(w, "k, m (k >= 1, m >= 1, k+m <= 256) and codec (rs-vandermonde or rs-cauchy) are required",
			http.StatusBadRequest)
		return
	}
	code, err := codeFor(shape{codec == "rs-cauchy", k, m})
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	// With a Content-Length the stripe's size is known before the body: read straight into it.
	declared := int(r.ContentLength)
	room := 0
	if declared > 0 {
		room = shardSizeOf(declared, k)*(k+m) - declared
	}
	buf, body, err := readInto(r, room)
	if err != nil {
		http.Error(w, "cannot read the body: "+err.Error(), http.StatusBadRequest)
		return
	}
	defer buffers.Put(buf)
	size := len(body)
	if size == 0 {
		http.Error(w, "the object is empty", http.StatusBadRequest)
		return
	}
	shardSize := shardSizeOf(size, k)
	if cap(*buf) < shardSize*(k+m) {
		grown := make([]byte, shardSize*(k+m))
		copy(grown, body)
		*buf = grown
	}
	stripe := (*buf)[:shardSize*(k+m)]
	for i := size; i < k*shardSize; i++ { // padding of the last data shard; parity is overwritten
		stripe[i] = 0
	}
	shards := make([][]byte, k+m)
	for i := range shards {
		shards[i] = stripe[i*shardSize : (i+1)*shardSize]
	}
	if err := code.Encode(shards); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}

	boundary := fmt.Sprintf("erasure-%016x", rand.Uint64())
	heads := make([][]byte, k+m)
	length := 0
	for i, shard := range shards {
		var crc [4]byte
		sum := crc32.Checksum(shard, crcTable)
		crc[0], crc[1], crc[2], crc[3] = byte(sum>>24), byte(sum>>16), byte(sum>>8), byte(sum)
		lead := "\r\n"
		if i == 0 {
			lead = ""
		}
		heads[i] = []byte(lead + "--" + boundary + "\r\nContent-Type: application/octet-stream\r\nShard-Index: " +
			strconv.Itoa(i) + "\r\nShard-CRC32C: " + hex.EncodeToString(crc[:]) + "\r\n\r\n")
		length += len(heads[i]) + len(shard)
	}
	closing := []byte("\r\n--" + boundary + "--\r\n")
	length += len(closing)

	h := w.Header()
	h.Set("Content-Type", "multipart/mixed; boundary="+boundary)
	h.Set("Content-Length", strconv.Itoa(length))
	h.Set("Codec", codec)
	h.Set("Data-Shards", strconv.Itoa(k))
	h.Set("Parity-Shards", strconv.Itoa(m))
	h.Set("Shard-Size", strconv.Itoa(shardSize))
	h.Set("Object-Size", strconv.Itoa(size))
	for i, shard := range shards {
		w.Write(heads[i])
		w.Write(shard)
	}
	w.Write(closing)
}

func shardSizeOf(size, k int) int {
	return (size + k - 1) / k
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8090", "listen address")
	flag.Parse()
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/encode", encode)
	mux.HandleFunc("/v1/echo", echo)
	mux.HandleFunc("/q/health/ready", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("UP\n"))
	})
	log.Printf("erasurepeer listening on %s", *addr)
	log.Fatal(http.ListenAndServe(*addr, mux))
}
