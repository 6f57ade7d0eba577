"""guarantees: a Dagster code location that turns news documents into a versioned dataset of the
security guarantees that countries give Ukraine.

Pure logic lives in `pipelines.lib` and `pipelines.countries` (no Dagster import); the Dagster
objects live in `pipelines.assets`, `pipelines.checks` and `pipelines.definitions`.
"""
