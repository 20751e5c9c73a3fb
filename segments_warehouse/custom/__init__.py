"""Custom segments declared in YAML (segments/*.yml) and compiled to dbt models: docs/custom_segments.md.

- catalog: what a definition may read (traits, segment models, events);
- definitions: the YAML read and checked into condition trees (CustomSegmentError names file, segment, condition);
- sql: the trees compiled to SQL through the project's dispatched macros;
- registry_entries: each definition as a segment registry entry;
- files: the generated models, their YAML and macros (`segments custom compile [--check]`).
"""

from .catalog import load_catalog
from .definitions import CustomSegmentError, load_definitions
from .files import compile_files, write_usage_macro
from .sql import conditions_model_sql

__all__ = ["CustomSegmentError", "compile_files", "conditions_model_sql", "load_catalog", "load_definitions",
           "write_usage_macro"]
