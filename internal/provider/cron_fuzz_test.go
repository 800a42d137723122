package provider

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// cronFuzzSeeds are expressions from the cron tests and the Airbyte documentation: accepted ones,
// the forms the API returns, Unix crons with and without a Quartz equivalent, and refusals.
var cronFuzzSeeds = []string{
	"0 0 12 * * ?",
	"0 0 12 * * ? UTC",
	"0 0 12 * * ? utc",
	"0 0 12 * * ? 2030 UTC",
	"\t0 0\t12 * *  ?\n",
	"0 15 10 ? * MON-FRI",
	"0 0 0 L * ?",
	"0 0 12 LW * ?",
	"0 0 12 L-3 * ?",
	"0 0 12 1W * ?",
	"0 0 12 ? * FRI#3",
	"0 0 12 ? * 6L",
	"0 0 */6 * * ?",
	"0 30 8-17 ? * MON-FRI",
	"0 0 12 ? JAN-MAR,OCT MON,WED,FRI",
	"0 0 12 * * ? 2030-2035",
	"0 12 * * *",
	"30 8 * * 1-5",
	"0 9 * * 0,6",
	"*/15 * * * *",
	"0 0 1 */2 *",
	"5 4 * * SUN",
	"0 22 * * 1-7",
	"0 12 1 * 1",
	"@daily",
	"* 0 12 * * ?",
	"0 * 12 * * ? 2030",
	"0 0 12 * * *",
	"0 0 12 ? * ?",
	"0 0 22-2 * * ?",
	"0 0 12 ? * FRI-MON",
	"? 0 12 * * ?",
	"0 0 12 * * ?UTC",
	"0 0 12 * * ? UTC UTC",
	"UTC",
	"",
}

// FuzzCheckQuartzCron checks that validation never panics, that every refusal carries the help
// text, and that whatever is accepted is, once normalised as it is before being sent to the
// API, a stable Quartz expression the Airbyte server's own checks would let through.
func FuzzCheckQuartzCron(f *testing.F) {
	for _, s := range cronFuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		problem := checkQuartzCron(expr)
		if problem != "" {
			if !strings.HasSuffix(problem, quartzCronHelp) {
				t.Errorf("checkQuartzCron(%q) = %q, which does not end with the help text", expr, problem)
			}
			// Terraform configuration is UTF-8; a diagnostic that is not cannot be sent back to it.
			if utf8.ValidString(expr) && !utf8.ValidString(problem) {
				t.Errorf("checkQuartzCron(%q) = %q, which is not valid UTF-8", expr, problem)
			}
			checkQuartzSuggestion(t, expr, problem)
			return
		}

		normalized := normalizeCron(expr)
		if again := normalizeCron(normalized); again != normalized {
			t.Errorf("normalizeCron is not idempotent for the accepted %q: %q, then %q", expr, normalized, again)
		}
		if p := checkQuartzCron(normalized); p != "" {
			t.Errorf("%q is accepted but its normalised form %q, which is what the API receives, is not: %s", expr, normalized, p)
		}
		fields := strings.Split(normalized, " ")
		if len(fields) != 6 && len(fields) != 7 {
			t.Fatalf("%q is accepted but its normalised form %q has %d space-separated fields", expr, normalized, len(fields))
		}
		for _, field := range fields {
			if field == "" || strings.IndexFunc(field, unicode.IsSpace) >= 0 {
				t.Errorf("%q is accepted but its normalised form %q has the field %q", expr, normalized, field)
			}
		}
		if (fields[3] == "?") == (fields[5] == "?") {
			t.Errorf("%q is accepted without \"?\" in exactly one day field", expr)
		}
		if _, err := strconv.Atoi(fields[0]); err != nil {
			t.Errorf("%q is accepted with %q in the seconds field, which the server refuses", expr, fields[0])
		}
		if _, err := strconv.Atoi(fields[1]); len(fields) == 7 && err != nil {
			t.Errorf("%q is accepted with 7 fields and %q in the minutes field, which the server refuses", expr, fields[1])
		}
	})
}

// checkQuartzSuggestion checks that a Quartz form proposed for a Unix cron is accepted and keeps
// its minute, hour and month fields.
func checkQuartzSuggestion(t *testing.T, expr, problem string) {
	t.Helper()
	unix := strings.Fields(normalizeCron(expr))
	if len(unix) != 5 {
		return
	}
	// expr itself is quoted with %q earlier in the message, so `Use "` can only start the suggestion.
	_, rest, found := strings.Cut(problem, "Use \"")
	if !found {
		return
	}
	quoted, err := strconv.QuotedPrefix(`"` + rest)
	if err != nil {
		t.Fatalf("cannot read the suggestion in %q: %v", problem, err)
	}
	suggestion, err := strconv.Unquote(quoted)
	if err != nil {
		t.Fatalf("cannot read the suggestion in %q: %v", problem, err)
	}
	if p := checkQuartzCron(suggestion); p != "" {
		t.Errorf("the suggestion %q for %q is itself refused: %s", suggestion, expr, p)
	}
	quartz := strings.Fields(suggestion)
	if len(quartz) != 6 || quartz[0] != "0" || quartz[1] != unix[0] || quartz[2] != unix[1] || quartz[4] != unix[3] {
		t.Errorf("the suggestion %q for %q does not keep its minute, hour and month", suggestion, expr)
	}
}

// FuzzCronSemanticEquality checks that an accepted expression stays accepted and semantically
// equal when its fields are separated by other whitespace and when the API's " UTC" suffix is
// added, so that neither shows up as a difference in plans.
func FuzzCronSemanticEquality(f *testing.F) {
	for _, s := range cronFuzzSeeds {
		f.Add(s, "  ", " ", false)
		f.Add(s, "\t", "\n", true)
	}
	// Regressions: strings.Fields, which counts the fields, also splits on vertical tabs and
	// Unicode spaces such as the no-break space a copy from a web page brings, but the
	// normalisation once did not, so go-quartz saw fewer fields than were counted.
	f.Add("0 0 12 * * ?", "\v", "", false)
	f.Add("0 0 12 * * ?", "\u00a0", "\u00a0", true)
	f.Fuzz(func(t *testing.T, expr, sep, edge string, utc bool) {
		if checkQuartzCron(expr) != "" || !isWhitespace(sep) || (edge != "" && !isWhitespace(edge)) {
			return
		}
		variant := edge + strings.Join(strings.Fields(normalizeCron(expr)), sep)
		if utc {
			variant += sep + "UTC"
		}
		variant += edge
		if p := checkQuartzCron(variant); p != "" {
			t.Errorf("%q is accepted but %q, the same with other whitespace, is not: %s", expr, variant, p)
		}
		ctx := context.Background()
		for _, pair := range [][2]string{{expr, variant}, {variant, expr}, {expr, normalizeCron(expr) + " UTC"}} {
			equal, diags := newCronExpressionValue(pair[0]).StringSemanticEquals(ctx, newCronExpressionValue(pair[1]))
			if diags.HasError() {
				t.Fatal(diags)
			}
			if !equal {
				t.Errorf("%q and %q are not semantically equal (normalised: %q and %q)",
					pair[0], pair[1], normalizeCron(pair[0]), normalizeCron(pair[1]))
			}
		}
	})
}

// isWhitespace reports whether s is non-empty and made of white space only.
func isWhitespace(s string) bool {
	return s != "" && utf8.ValidString(s) && strings.TrimFunc(s, unicode.IsSpace) == ""
}
