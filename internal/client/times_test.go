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

func TestParseISODuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"PT5M7S", 5*time.Minute + 7*time.Second},
		{"PT8H6M12S", 8*time.Hour + 6*time.Minute + 12*time.Second},
		{"PT0S", 0},
		{"PT48H", 48 * time.Hour},
		{"P1DT2H", 26 * time.Hour},
		{"P2W", 14 * 24 * time.Hour},
		{"PT0.5S", 500 * time.Millisecond},
		{"PT1,25S", 1250 * time.Millisecond},
		{"PT-5S", -5 * time.Second},
		{"-PT1H", -time.Hour},
		{"PT1H-30M", 30 * time.Minute},
		{"pt1m", time.Minute},
	}
	for _, tt := range tests {
		got, err := ParseISODuration(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseISODuration(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "P", "PT", "5M", "P1M", "P1Y", "PT5", "PT5X", "P5H", "PTT5S", "PT1E400S", "P9999999999999W"} {
		if d, err := ParseISODuration(bad); err == nil {
			t.Errorf("ParseISODuration(%q) = %v, want an error", bad, d)
		}
	}
}
