package main

// A client of the Lambda Runtime API (version 2018-06-01), the loop every custom runtime
// (provided.al2023) runs: GET /runtime/invocation/next, then POST the result to
// /runtime/invocation/{id}/response or an error document to .../{id}/error. A failure
// before the first invocation goes to /runtime/init/error. Standard library only.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"time"
)

const apiVersion = "2018-06-01"

// invocation is one event handed out by /runtime/invocation/next.
type invocation struct {
	requestID   string
	deadline    time.Time // when Lambda stops the invocation (zero if not sent)
	functionARN string    // the ARN (version or alias) the caller invoked
	traceID     string    // X-Ray trace header, also in _X_AMZN_TRACE_ID
	payload     []byte    // the event, JSON
}

// failure is an error document: Lambda shows it to the invoker.
type failure struct {
	Message string `json:"errorMessage"`
	Type    string `json:"errorType"`
}

// handler answers one invocation with a JSON result or a failure.
type handler func(inv *invocation) ([]byte, *failure)

type runtimeAPI struct {
	base   string // http://host:port/2018-06-01/runtime
	client *http.Client
}

func newRuntimeAPI(address string) *runtimeAPI {
	// No timeout: /next waits as long as there is no event. No proxy: the API is local.
	return &runtimeAPI{
		base:   "http://" + address + "/" + apiVersion + "/runtime",
		client: &http.Client{Transport: &http.Transport{}},
	}
}

// serve runs Lambda's init phase (setup) and then the invocation loop; it returns only
// when the Runtime API cannot be reached or refuses a call, or setup failed.
func serve(api *runtimeAPI, setup func() handler) error {
	h, f := protect(func() (handler, *failure) { return setup(), nil })
	if f != nil {
		if err := api.fail("/init/error", f); err != nil {
			return err
		}
		return errors.New("init failed: " + f.Message)
	}
	for {
		inv, err := api.next()
		if err != nil {
			return err
		}
		setTraceID(inv.traceID)
		out, f := protect(func() ([]byte, *failure) { return h(inv) })
		if f != nil {
			err = api.fail("/invocation/"+inv.requestID+"/error", f)
		} else {
			err = api.post("/invocation/"+inv.requestID+"/response", out, "")
		}
		if err != nil {
			return err
		}
	}
}

// protect runs f, turning a panic into a failure (its stack goes to stderr, the log).
func protect[T any](f func() (T, *failure)) (res T, fail *failure) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(os.Stderr, "panic: %v\n%s", r, debug.Stack())
			fail = &failure{Message: fmt.Sprint(r), Type: "Panic"}
		}
	}()
	return f()
}

func setTraceID(id string) {
	if id == "" {
		os.Unsetenv("_X_AMZN_TRACE_ID")
	} else {
		os.Setenv("_X_AMZN_TRACE_ID", id)
	}
}

func (api *runtimeAPI) next() (*invocation, error) {
	resp, err := api.client.Get(api.base + "/invocation/next")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	payload, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("next invocation: %s: %s", resp.Status, payload)
	}
	h := resp.Header
	inv := &invocation{
		requestID:   h.Get("Lambda-Runtime-Aws-Request-Id"),
		functionARN: h.Get("Lambda-Runtime-Invoked-Function-Arn"),
		traceID:     h.Get("Lambda-Runtime-Trace-Id"),
		payload:     payload,
	}
	if ms, err := strconv.ParseInt(h.Get("Lambda-Runtime-Deadline-Ms"), 10, 64); err == nil {
		inv.deadline = time.UnixMilli(ms)
	}
	if inv.requestID == "" {
		return nil, errors.New("next invocation: no Lambda-Runtime-Aws-Request-Id header")
	}
	return inv, nil
}

// fail posts an error document to path (an invocation's or the init error path).
func (api *runtimeAPI) fail(path string, f *failure) error {
	doc, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return api.post(path, doc, f.Type)
}

func (api *runtimeAPI) post(path string, body []byte, errorType string) error {
	req, err := http.NewRequest(http.MethodPost, api.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if errorType != "" {
		req.Header.Set("Lambda-Runtime-Function-Error-Type", errorType)
	}
	resp, err := api.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("POST %s: %s: %s", path, resp.Status, answer)
	}
	return nil
}
