// Command loadgen: the compiled load generator of benchmarks/search_load.py (--generator go).
//
// N clients, each with its own keep-alive connection and its own session cookie (obtained by
// search_load.py through the login form, as a browser does), send GET requests back to back for a
// given time; each client walks the request list from its own starting position, like the Python
// generator. It prints one JSON object: per-client latencies of the answered (HTTP 200) requests in
// milliseconds, the errors, and the positions sent. Standard library only.
//
//	loadgen -base http://127.0.0.1:8000 -cookies cookies.txt -requests paths.txt -seconds 20
//
// cookies.txt: one "name=value" cookie header per client (its number of lines is the number of
// clients); paths.txt: one request path with its query string per line ("/api/search?q=...").
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

type clientResult struct {
	Latencies []float64 `json:"latencies_ms"`
	Errors    []string  `json:"errors"`
	Sent      []int     `json:"sent"`
}

func lines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	scanner := bufio.NewScanner(f)
	scanner.Buffer(make([]byte, 1<<20), 1<<20)
	for scanner.Scan() {
		if line := strings.TrimSpace(scanner.Text()); line != "" {
			out = append(out, line)
		}
	}
	return out, scanner.Err()
}

func main() {
	base := flag.String("base", "", "the app's base URL")
	cookiesPath := flag.String("cookies", "", "one Cookie header value per client")
	requestsPath := flag.String("requests", "", "one request path per line")
	seconds := flag.Float64("seconds", 20, "how long to send")
	flag.Parse()
	cookies, err := lines(*cookiesPath)
	if err != nil || len(cookies) == 0 {
		fmt.Fprintln(os.Stderr, "loadgen: no cookies:", err)
		os.Exit(2)
	}
	paths, err := lines(*requestsPath)
	if err != nil || len(paths) == 0 {
		fmt.Fprintln(os.Stderr, "loadgen: no requests:", err)
		os.Exit(2)
	}
	results := make([]clientResult, len(cookies))
	stop := time.Now().Add(time.Duration(*seconds * float64(time.Second)))
	var wg sync.WaitGroup
	for n := range cookies {
		wg.Add(1)
		go func(n int) {
			defer wg.Done()
			client := &http.Client{
				Timeout:   30 * time.Second,
				Transport: &http.Transport{MaxIdleConnsPerHost: 1, MaxConnsPerHost: 1, DisableCompression: true},
			}
			res := &results[n]
			position := n * (len(paths) / len(cookies))
			for time.Now().Before(stop) {
				index := position % len(paths)
				res.Sent = append(res.Sent, index)
				position++
				req, _ := http.NewRequest("GET", *base+paths[index], nil)
				req.Header.Set("Cookie", cookies[n])
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					res.Errors = append(res.Errors, err.Error())
					continue
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				elapsed := float64(time.Since(t0).Microseconds()) / 1000
				switch {
				case err != nil:
					res.Errors = append(res.Errors, err.Error())
				case resp.StatusCode != 200:
					text := string(body)
					if len(text) > 120 {
						text = text[:120]
					}
					res.Errors = append(res.Errors, fmt.Sprintf("HTTP %d: %s", resp.StatusCode, text))
				default:
					res.Latencies = append(res.Latencies, elapsed)
				}
			}
		}(n)
	}
	wg.Wait()
	out := json.NewEncoder(os.Stdout)
	if err := out.Encode(results); err != nil {
		os.Exit(1)
	}
}
