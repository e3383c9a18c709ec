// Command targetd is the payload of package container's tests: a tiny static
// HTTP server, built with CGO_ENABLED=0 into a FROM scratch image, whose
// behaviour is chosen by environment variables so one image covers every
// lifecycle case.
//
//	TARGETD_MODE=serve   (default) serve /scim/v2/Users (Bearer $SCIMCONFORM_TOKEN) and /healthz
//	TARGETD_MODE=exit    print an error and exit with $TARGETD_EXIT_CODE (default 3)
//	TARGETD_MODE=hang    print a line and never listen
//	TARGETD_MODE=fail500 listen, but answer every request with 500
//
// TARGETD_HEALTH_AFTER=N makes /healthz answer 503 to the first N requests.
// It deliberately prints the token at startup, so tests can check redaction.
package main

import (
	"fmt"
	"net/http"
	"os"
	"strconv"
	"sync/atomic"
	"time"
)

func main() {
	mode := os.Getenv("TARGETD_MODE")
	if mode == "" {
		mode = "serve"
	}
	token := os.Getenv("SCIMCONFORM_TOKEN")
	fmt.Printf("targetd starting mode=%s token=%s\n", mode, token)
	fmt.Fprintln(os.Stderr, "targetd stderr: hello")

	switch mode {
	case "exit":
		code, err := strconv.Atoi(os.Getenv("TARGETD_EXIT_CODE"))
		if err != nil {
			code = 3
		}
		fmt.Fprintln(os.Stderr, "targetd boom: cannot open /etc/targetd.conf")
		os.Exit(code)
	case "hang":
		fmt.Println("targetd hanging: never listening")
		for {
			time.Sleep(time.Hour)
		}
	}

	healthAfter, _ := strconv.Atoi(os.Getenv("TARGETD_HEALTH_AFTER"))
	var healthHits atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		n := healthHits.Add(1)
		fmt.Printf("targetd healthz hit %d\n", n)
		if n <= int64(healthAfter) {
			http.Error(w, "warming up", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/scim/v2/Users", func(w http.ResponseWriter, r *http.Request) {
		authOK := token != "" && r.Header.Get("Authorization") == "Bearer "+token
		fmt.Printf("targetd request %s %s auth=%v\n", r.Method, r.URL.RequestURI(), authOK)
		if !authOK {
			w.Header().Set("Content-Type", "application/scim+json")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintln(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"401"}`)
			return
		}
		w.Header().Set("Content-Type", "application/scim+json")
		fmt.Fprintln(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}`)
	})
	var h http.Handler = mux
	if mode == "fail500" {
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Printf("targetd failing %s\n", r.URL.Path)
			http.Error(w, "broken", http.StatusInternalServerError)
		})
	}
	addr := ":8080"
	if p := os.Getenv("PORT"); p != "" {
		addr = ":" + p
	}
	fmt.Printf("targetd listening on %s\n", addr)
	if err := http.ListenAndServe(addr, h); err != nil {
		fmt.Fprintln(os.Stderr, "targetd:", err)
		os.Exit(1)
	}
}
