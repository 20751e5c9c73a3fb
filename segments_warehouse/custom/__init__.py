"""Custom segments declared in YAML (segments/*.yml) and compiled to dbt models: docs/custom_segments.md.

- catalog: what a definition may read (traits, segment models, events);
- definitions: the YAML read and checked into condition trees (CustomSegmentError names file, segment, condition);
- sql: the trees compiled to SQL through the project's dispatched macros;
- registry_entries: each definition as a segment registry entry;
- files: the generated models, their YAML and macros (`segments custom compile [--check]`). It sits above
  segments_warehouse.registry, which reads the definitions, so it is imported as segments_warehouse.custom.files
  and not from here.
"""

from .catalog import load_catalog
from .definitions import CustomSegmentError, load_definitions
from .sql import conditions_model_sql

__all__ = ["CustomSegmentError", "conditions_model_sql", "load_catalog", "load_definitions"]
