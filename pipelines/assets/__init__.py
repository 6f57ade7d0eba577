"""Dagster assets: thin wrappers that read inputs, call `pipelines.lib`, validate and return."""
