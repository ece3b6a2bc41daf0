CREATE TABLE `teams` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`models` text,
	`max_budget_nanos` integer,
	`budget_duration` text,
	`budget_reset_at` integer,
	`soft_budget_nanos` integer,
	`rpm_limit` integer,
	`tpm_limit` integer,
	`max_parallel_requests` integer,
	`blocked` integer DEFAULT false NOT NULL,
	`metadata` text DEFAULT '{}' NOT NULL,
	`spend_nanos` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`key_hash` text NOT NULL,
	`key_prefix` text NOT NULL,
	`name` text,
	`team_id` text,
	`models` text,
	`max_budget_nanos` integer,
	`budget_duration` text,
	`budget_reset_at` integer,
	`soft_budget_nanos` integer,
	`rpm_limit` integer,
	`tpm_limit` integer,
	`max_parallel_requests` integer,
	`expires_at` integer,
	`revoked_at` integer,
	`blocked` integer DEFAULT false NOT NULL,
	`metadata` text DEFAULT '{}' NOT NULL,
	`spend_nanos` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`last_used_at` integer,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_key_hash_idx` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_team_idx` ON `api_keys` (`team_id`);--> statement-breakpoint
CREATE TABLE `spend_logs` (
	`request_id` text PRIMARY KEY NOT NULL,
	`key_id` text,
	`team_id` text,
	`kind` text NOT NULL,
	`requested_model` text NOT NULL,
	`served_model` text,
	`deployment_id` text,
	`provider` text,
	`attempts` text NOT NULL,
	`prompt_tokens` integer DEFAULT 0 NOT NULL,
	`completion_tokens` integer DEFAULT 0 NOT NULL,
	`cached_tokens` integer DEFAULT 0 NOT NULL,
	`cache_creation_tokens` integer DEFAULT 0 NOT NULL,
	`reasoning_tokens` integer DEFAULT 0 NOT NULL,
	`usage_estimated` integer DEFAULT false NOT NULL,
	`cost_nanos` integer DEFAULT 0 NOT NULL,
	`cost_saved_nanos` integer DEFAULT 0 NOT NULL,
	`latency_ms` real,
	`ttft_ms` real,
	`cache_status` text,
	`streamed` integer DEFAULT false NOT NULL,
	`status` text NOT NULL,
	`http_status` integer,
	`error_layer` text,
	`error_code` text,
	`start_time` integer NOT NULL,
	`end_time` integer NOT NULL,
	`end_user` text,
	`metadata` text
);
--> statement-breakpoint
CREATE INDEX `spend_logs_start_idx` ON `spend_logs` (`start_time`);--> statement-breakpoint
CREATE INDEX `spend_logs_key_start_idx` ON `spend_logs` (`key_id`,`start_time`);--> statement-breakpoint
CREATE INDEX `spend_logs_team_start_idx` ON `spend_logs` (`team_id`,`start_time`);--> statement-breakpoint
CREATE INDEX `spend_logs_model_start_idx` ON `spend_logs` (`served_model`,`start_time`);--> statement-breakpoint
CREATE TABLE `spend_daily` (
	`day` text NOT NULL,
	`key_id` text NOT NULL,
	`team_id` text NOT NULL,
	`model` text NOT NULL,
	`requests` integer DEFAULT 0 NOT NULL,
	`errors` integer DEFAULT 0 NOT NULL,
	`cache_hits` integer DEFAULT 0 NOT NULL,
	`prompt_tokens` integer DEFAULT 0 NOT NULL,
	`completion_tokens` integer DEFAULT 0 NOT NULL,
	`cost_nanos` integer DEFAULT 0 NOT NULL,
	`cost_saved_nanos` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `key_id`, `team_id`, `model`)
);
