package client

import (
	"testing"
	"time"
)

func TestParseAirbyteTime(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2024-05-01T12:34:56Z", time.Date(2024, 5, 1, 12, 34, 56, 0, time.UTC)},
		{"2024-05-01T12:34Z", time.Date(2024, 5, 1, 12, 34, 0, 0, time.UTC)},
		{"2024-05-01T12:34:56.789Z", time.Date(2024, 5, 1, 12, 34, 56, 789e6, time.UTC)},
		{"2024-05-01T14:34:56+02:00", time.Date(2024, 5, 1, 12, 34, 56, 0, time.UTC)},
		{"2024-05-01T14:34+02:00", time.Date(2024, 5, 1, 12, 34, 0, 0, time.UTC)},
		{"2023-03-25 01:30:50+00:00", time.Date(2023, 3, 25, 1, 30, 50, 0, time.UTC)},
		{"2024-05-01T12:34:56", time.Date(2024, 5, 1, 12, 34, 56, 0, time.UTC)},
		{" 2024-05-01T12:34:56Z ", time.Date(2024, 5, 1, 12, 34, 56, 0, time.UTC)},
	}
	for _, tt := range tests {
		got, err := ParseAirbyteTime(tt.in)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("ParseAirbyteTime(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "yesterday", "1717969830", "2024-05-01", "2024-13-01T00:00Z"} {
		if _, err := ParseAirbyteTime(bad); err == nil {
			t.Errorf("ParseAirbyteTime(%q) succeeded", bad)
		}
	}
}
