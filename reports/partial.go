package reports

import "fmt"

// PartialNote is the sentence every format shows for a run that stopped
// early (Partial): why, and that the scenarios it did not run are errors,
// not results. It is "" for a complete run.
func (r *Run) PartialNote() string {
	if r == nil || !r.Partial {
		return ""
	}
	why := r.StopReason
	if why == "" {
		why = "stopped early"
	}
	return "Partial run: " + why + "; the scenarios it did not finish are errors, not results."
}

// CutNote says how a body of ex was cut at capture: with the real size and
// digest of the response body when known ("response body cut at capture:
// 209715200 bytes received, 65536 kept, sha256:..."), else that bodies
// were truncated. It is "" when nothing was cut.
func (ex *Exchange) CutNote() string {
	if !ex.Truncated {
		return ""
	}
	if ex.BodySize > 0 {
		n := fmt.Sprintf("response body cut at capture: %d bytes received, %d kept", ex.BodySize, len(ex.ResponseBody))
		if ex.BodyDigest != "" {
			n += ", " + ex.BodyDigest
		}
		return n
	}
	return "bodies truncated at capture"
}
