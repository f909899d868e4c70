package main

import (
	"bytes"
	"encoding/binary"
	"io"
	"mime"
	"mime/multipart"
	"testing"
	"time"
)

func TestParseStatCPUAndVmHWM(t *testing.T) {
	stat := []byte("4242 (zaak archief) S 1 4242 4242 0 -1 4194560 800 0 0 0 250 75 0 0 20 0 9 0 1234 1000000 5000 18446744073709551615\n")
	if d, err := parseStatCPU(stat); err != nil || d != 3250*time.Millisecond {
		t.Errorf("parseStatCPU = %v, %v; want 3.25s", d, err)
	}
	if _, err := parseStatCPU([]byte("4242 (kort) S 1")); err == nil {
		t.Error("a truncated stat line was parsed")
	}
	status := []byte("Name:\tzaakarchief\nVmPeak:\t 1000 kB\nVmHWM:\t   30720 kB\nVmRSS:\t 2000 kB\n")
	if n, err := parseVmHWM(status); err != nil || n != 30<<20 {
		t.Errorf("parseVmHWM = %d, %v; want 30 MiB", n, err)
	}
	if _, err := parseVmHWM([]byte("Name:\tx\n")); err == nil {
		t.Error("a status without VmHWM was parsed")
	}
}

func TestMedianAndPercentile(t *testing.T) {
	for _, tc := range []struct {
		xs   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(tc.xs); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.xs, got, tc.want)
		}
	}
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	if p := percentile(ds, 0.99); p != 99*time.Millisecond {
		t.Errorf("p99 = %v, want 99ms", p)
	}
	if p := percentile(ds, 0.5); p != 50*time.Millisecond {
		t.Errorf("p50 = %v, want 50ms", p)
	}
}

func TestUploadBodyIsOneFormWithUniqueContent(t *testing.T) {
	f, err := newFraming(map[string]any{"titel": "x"}, "a.pdf")
	if err != nil {
		t.Fatal(err)
	}
	block := newBlock()
	size := int64(2*blockSize + 123)
	body, length := f.body(newInhoud(block, 7, size), size)
	raw, _ := io.ReadAll(body)
	if int64(len(raw)) != length {
		t.Fatalf("body of %d bytes, announced %d", len(raw), length)
	}
	_, params, err := mime.ParseMediaType(f.contentType)
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(bytes.NewReader(raw), params["boundary"])
	var names []string
	var content []byte
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, p.FormName())
		b, _ := io.ReadAll(p)
		if p.FormName() == "inhoud" {
			content = b
		}
	}
	if len(names) != 2 || names[0] != "metadata" || names[1] != "inhoud" {
		t.Fatalf("parts %v", names)
	}
	if int64(len(content)) != size || binary.BigEndian.Uint64(content) != 7 || !bytes.Equal(content[8:blockSize], block[8:]) ||
		!bytes.Equal(content[blockSize:2*blockSize], block) {
		t.Fatal("the content is not the block repeated with the upload's number in front")
	}
}
