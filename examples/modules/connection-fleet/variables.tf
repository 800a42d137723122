variable "destination_id" {
  description = "The id of the Airbyte destination every connection writes to."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", var.destination_id))
    error_message = "destination_id must be a destination's UUID, such as \"e2f8a6b4-9c17-4d03-b5e1-7a4c3f0d9b62\" (the id in the destination's URL in the Airbyte UI)."
  }
}

variable "source_ids" {
  description = "The ids of the sources the streams come from, by the source names used as keys of `streams`. May name more sources than `streams` uses."
  type        = map(string)
  nullable    = false

  validation {
    condition = alltrue([
      for id in values(var.source_ids) :
      can(regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", id))
    ])
    error_message = "Every value of source_ids must be a source's UUID (the id in the source's URL in the Airbyte UI)."
  }
}

variable "streams" {
  description = "The streams to sync, by source name: one connection per source, such as `{ \"Orders DB\" = [\"orders\", \"customers\"] }`. Each stream must be one the source has; the provider checks at plan."
  type        = map(list(string))
  nullable    = false

  validation {
    condition     = length(setsubtract(keys(var.streams), keys(var.source_ids))) == 0
    error_message = "Every source named in streams needs its id in source_ids; missing: ${join(", ", sort(setsubtract(keys(var.streams), keys(var.source_ids))))}."
  }

  validation {
    condition     = alltrue([for names in values(var.streams) : length(names) > 0 && length(distinct(names)) == length(names)])
    error_message = "Each source in streams needs at least one stream, each named once."
  }
}

variable "sync_mode" {
  description = "The sync mode of every stream not named in `sync_modes`, such as `full_refresh_overwrite` or `incremental_append`."
  type        = string
  default     = "full_refresh_overwrite"
  nullable    = false
}

variable "sync_modes" {
  description = "Sync modes of particular streams, by source name and then stream name, such as `{ \"Orders DB\" = { orders = \"incremental_deduped_history\" } }`."
  type        = map(map(string))
  default     = {}
  nullable    = false

  validation {
    condition = alltrue(flatten([
      for source, modes in var.sync_modes : [
        for stream in keys(modes) : contains(lookup(var.streams, source, []), stream)
      ]
    ]))
    error_message = "sync_modes may only name streams listed in streams, under the same source name."
  }
}

variable "name_format" {
  description = "The name of each connection, as a `format` string that receives the source name, such as `\"%s to Warehouse\"`."
  type        = string
  default     = "%s"
  nullable    = false
}

variable "table_prefix" {
  description = "A prefix for every table the connections write, such as `raw_`. When null, each connection keeps the prefix it has in Airbyte (none for a new one)."
  type        = string
  default     = null
}

variable "cron_expression" {
  description = "When the connections sync: a Quartz cron expression with a seconds field first, such as `0 0 6 * * ?` (every day at 06:00). Null syncs only on demand (a manual schedule)."
  type        = string
  default     = null
}

variable "cron_time_zone" {
  description = "The time zone `cron_expression` runs in, such as `Europe/Paris`. Null keeps a connection's zone in Airbyte (UTC for a new one)."
  type        = string
  default     = null

  validation {
    condition     = var.cron_time_zone == null || var.cron_expression != null
    error_message = "cron_time_zone needs a cron_expression: a manual schedule has no time zone."
  }
}

variable "sync_on_change" {
  description = "Run a sync of each connection when it is created and whenever its streams change, and wait for it. The apply fails when a sync fails."
  type        = bool
  default     = false
  nullable    = false
}

variable "sync_timeout" {
  description = "How long an apply waits for each sync when `sync_on_change` is true, as a Go duration such as `45m`. The sync is cancelled when it runs longer."
  type        = string
  default     = "30m"
  nullable    = false
}
