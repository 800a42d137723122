package client

import (
	"fmt"
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
