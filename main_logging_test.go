package main

import (
	"os"
	"testing"
)

func TestShownLogLevel(t *testing.T) {
	for _, tc := range []struct{ provider, global, want string }{
		{"", "", "OFF"},
		{"", "trace", "TRACE"},
		{"", "DEBUG", "DEBUG"},
		{"", "json", "TRACE"},
		{"", "verbose", "TRACE"}, // terraform treats a level it does not know as TRACE
		{"", " debug", "TRACE"},  // and does not trim it
		{"", "off", "OFF"},
		{"info", "trace", "INFO"}, // TF_LOG_PROVIDER wins over TF_LOG
		{"warn", "", "WARN"},
	} {
		if got := shownLogLevel(tc.provider, tc.global); got != tc.want {
			t.Errorf("shownLogLevel(%q, %q) = %q, want %q", tc.provider, tc.global, got, tc.want)
		}
	}
}

func TestQuietSDKLogs(t *testing.T) {
	for _, tc := range []struct {
		name      string
		sdk       *string // TF_LOG_SDK before; nil for unset
		tfLog     string
		debug     bool
		want      string
		wantUnset bool
	}{
		{name: "nothing set", want: "OFF"},
		{name: "TF_LOG shown", tfLog: "DEBUG", want: "DEBUG"},
		{name: "the user's TF_LOG_SDK stands", sdk: ptr("TRACE"), want: "TRACE"},
		{name: "an empty TF_LOG_SDK the user set stands", sdk: ptr(""), want: ""},
		{name: "debug mode changes nothing", debug: true, wantUnset: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(envLogProvider, "")
			t.Setenv(envLog, tc.tfLog)
			t.Setenv(envLogSDK, "")
			if tc.sdk == nil {
				os.Unsetenv(envLogSDK)
			} else {
				t.Setenv(envLogSDK, *tc.sdk)
			}
			quietSDKLogs(tc.debug)
			got, set := os.LookupEnv(envLogSDK)
			if tc.wantUnset {
				if set {
					t.Fatalf("TF_LOG_SDK = %q, want it unset", got)
				}
				return
			}
			if !set || got != tc.want {
				t.Fatalf("TF_LOG_SDK = %q (set %v), want %q", got, set, tc.want)
			}
		})
	}
}

func ptr(s string) *string { return &s }
