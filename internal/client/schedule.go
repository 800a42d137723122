package client

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// UTC is the time zone Airbyte gives every cron schedule set through the
// public API (airbytehq/airbyte-platform@310e6cb:
// airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/mappers/ConnectionCreateMapper.kt
// and ConnectionUpdateMapper.kt).
const UTC = "UTC"

// quartzYear is what a Quartz year field may hold; a last field that is not
// one is the time zone the public API appends.
var quartzYear = regexp.MustCompile(`^[0-9*][0-9*,/-]*$`)

// CronAndZone splits the cron expression of a public read, which Airbyte
// writes as "<expression> <time zone>" (airbytehq/airbyte-platform@310e6cb:
// airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/mappers/ConnectionReadMapper.kt),
// into the expression and the zone. An expression read without a zone runs
// in UTC. Both are empty for a schedule that is not cron.
func (s ConnectionScheduleResponse) CronAndZone() (expression, zone string) {
	fields := strings.Fields(s.CronExpression)
	if len(fields) == 0 {
		return "", ""
	}
	// A Quartz expression has 6 or 7 fields; the zone, when there is one,
	// is the field after them and is never a valid year.
	if last := fields[len(fields)-1]; len(fields) >= 7 && !quartzYear.MatchString(last) {
		return strings.Join(fields[:len(fields)-1], " "), last
	}
	return strings.Join(fields, " "), UTC
}

// cronScheduleUpdate is the part of the Config API's ConnectionUpdate that
// sets a cron schedule.
type cronScheduleUpdate struct {
	ConnectionID string `json:"connectionId"`
	ScheduleType string `json:"scheduleType"`
	ScheduleData struct {
		Cron struct {
			CronExpression string `json:"cronExpression"`
			CronTimeZone   string `json:"cronTimeZone"`
		} `json:"cron"`
	} `json:"scheduleData"`
}

// SetCronSchedule gives a connection a cron schedule that runs in timeZone
// (POST {config_root}/connections/update). The public API cannot: it sets
// every cron schedule it writes to UTC. Only the schedule changes
// (airbytehq/airbyte-platform@310e6cb:
// airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/ConnectionsHandler.kt,
// updateConnection). Setting a schedule twice sets it once, so the request is
// retried like a read.
func (c *Client) SetCronSchedule(ctx context.Context, connectionID, expression, timeZone string) error {
	if connectionID == "" {
		return fmt.Errorf("POST /connections/update: connection id: %w", ErrEmptyID)
	}
	body := cronScheduleUpdate{ConnectionID: connectionID, ScheduleType: string(ScheduleTypeCron)}
	body.ScheduleData.Cron.CronExpression = expression
	body.ScheduleData.Cron.CronTimeZone = timeZone
	req, err := c.configRequest("/connections/update", body)
	if err != nil {
		return err
	}
	return c.do(ctx, req, nil)
}
