"""The arq worker: task registry, cron schedule, in-process runner for the embedded mode."""
