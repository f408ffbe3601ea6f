"""Jobs and schedules that operate the pipeline."""
