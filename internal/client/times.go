package client

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// airbyteTimeLayouts are the shapes job times come in. The server formats
// them with Java's OffsetDateTime.toString, which drops zero seconds
// ("2024-05-01T12:34Z"); the spec's examples use a space separator.
var airbyteTimeLayouts = []string{
	time.RFC3339Nano,                      // 2024-05-01T12:34:56Z, …56.123+02:00
	"2006-01-02T15:04Z07:00",              // 2024-05-01T12:34Z
	"2006-01-02 15:04:05.999999999Z07:00", // 2023-03-25 01:30:50+00:00
	"2006-01-02 15:04Z07:00",
	"2006-01-02T15:04:05.999999999", // no offset: UTC
	"2006-01-02T15:04",
}

// ParseAirbyteTime parses a job timestamp such as Job.StartTime. It accepts
// RFC 3339 with or without seconds, with fractional seconds and with any
// offset. Times without an offset are taken as UTC.
func ParseAirbyteTime(s string) (time.Time, error) {
	v := strings.TrimSpace(s)
	for _, layout := range airbyteTimeLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an Airbyte timestamp (expected a form of 2006-01-02T15:04:05Z)", s)
}

// ParseISODuration parses an ISO-8601 duration as Java's Duration.toString
// writes it ("PT8H6M12S", "PT0S", "PT0.5S", "PT-5S") plus days and weeks
// ("P1DT2H", "P2W"). Years and months are rejected: their length varies.
func ParseISODuration(s string) (time.Duration, error) {
	fail := func(reason string) (time.Duration, error) {
		return 0, fmt.Errorf("%q is not an ISO-8601 duration: %s", s, reason)
	}
	v := strings.TrimSpace(s)
	sign := 1.0
	switch {
	case strings.HasPrefix(v, "-"):
		sign, v = -1, v[1:]
	case strings.HasPrefix(v, "+"):
		v = v[1:]
	}
	if len(v) < 2 || (v[0] != 'P' && v[0] != 'p') {
		return fail("it must start with P")
	}
	v = strings.ToUpper(v[1:])

	var total float64 // nanoseconds
	inTime := false
	seen := false
	for len(v) > 0 {
		if v[0] == 'T' {
			if inTime {
				return fail("T appears twice")
			}
			inTime = true
			v = v[1:]
			if v == "" {
				return fail("nothing follows T")
			}
			continue
		}
		end := strings.IndexFunc(v, func(r rune) bool { return r >= 'A' && r <= 'Z' })
		if end <= 0 {
			return fail("a number must be followed by a unit")
		}
		n, err := strconv.ParseFloat(strings.Replace(v[:end], ",", ".", 1), 64)
		if err != nil || math.IsInf(n, 0) || math.IsNaN(n) {
			return fail("bad number " + strconv.Quote(v[:end]))
		}
		var unit time.Duration
		switch u := v[end]; {
		case !inTime && u == 'W':
			unit = 7 * 24 * time.Hour
		case !inTime && u == 'D':
			unit = 24 * time.Hour
		case !inTime && (u == 'Y' || u == 'M'):
			return fail("years and months have no fixed length")
		case inTime && u == 'H':
			unit = time.Hour
		case inTime && u == 'M':
			unit = time.Minute
		case inTime && u == 'S':
			unit = time.Second
		default:
			return fail("unexpected unit " + strconv.Quote(string(u)))
		}
		total += n * float64(unit)
		seen = true
		v = v[end+1:]
	}
	if !seen {
		return fail("it has no components")
	}
	total *= sign
	if total > math.MaxInt64 || total < math.MinInt64 {
		return fail("it overflows")
	}
	return time.Duration(math.Round(total)), nil
}
