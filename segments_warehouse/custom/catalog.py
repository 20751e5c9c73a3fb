"""What a custom segment may read: the traits (the columns of the built-in segment marts, with their types, from
the marts' YAML), the segment models and their value sets (the registry), and the product events
(vars custom_segment_events). docs/custom_segments.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..registry_schema import RegistryError, SegmentModel, parse_registry

MARTS_YAML = Path("models/marts/segments/_segments__models.yml")
KINDS = {"varchar": "text", "text": "text", "bigint": "number", "integer": "number", "double precision": "number",
         "double": "number", "boolean": "boolean", "date": "date", "timestamp": "timestamp"}
NOT_TRAITS = {"contact_id", "account_id", "as_of_date"}
EVENT_PROPERTIES = ("feature", "page_path", "device_type", "os_name", "browser_name", "country_code")
# what measure sum adds up: property -> its column in int_events__attributed (stg_product__tracks.event_value)
NUMERIC_EVENT_PROPERTIES = {"value": "event_value"}


@dataclass(frozen=True)
class Trait:
    model: SegmentModel
    column: str
    kind: str  # text, number, boolean, date, timestamp
    via_account: bool = False  # a contact segment reading its account's column

    @property
    def label(self) -> str:
        return f"account.{self.column}" if self.via_account else f"{self.model.name}.{self.column}"


@dataclass
class Catalog:
    models: tuple[SegmentModel, ...]  # the built-in registry, then the custom models known so far
    traits: dict[str, dict[str, list[Trait]]]  # entity -> unqualified or qualified name -> candidates
    events: tuple[str, ...]
    custom_entities: dict[str, str] = field(default_factory=dict)  # custom model name -> entity

    def model(self, name: str) -> SegmentModel | None:
        return next((model for model in self.models if model.name == name), None)


def _project(project_dir: Path) -> dict:
    return yaml.safe_load((project_dir / "dbt_project.yml").read_text(encoding="utf-8")) or {}


def load_catalog(project_dir: Path | str = ".") -> Catalog:
    project_dir = Path(project_dir)
    project = _project(project_dir)
    models = parse_registry((project.get("vars") or {}).get("segment_registry"))
    try:
        marts_yaml = yaml.safe_load((project_dir / MARTS_YAML).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise RegistryError(f"cannot read the segment marts' columns from {MARTS_YAML}: {error}") from None
    marts = {model["name"]: model for model in marts_yaml.get("models", [])}
    traits: dict[str, dict[str, list[Trait]]] = {"contact": {}, "account": {}}
    for model in models:
        for column in marts.get(model.mart, {}).get("columns", []):
            kind = KINDS.get(str(column.get("data_type", "")).lower())
            if column["name"] in NOT_TRAITS | {model.explanation_column} or kind is None:
                continue
            trait = Trait(model, column["name"], kind)
            for name in (column["name"], f"{model.name}.{column['name']}"):
                traits[model.entity_type].setdefault(name, []).append(trait)
            if model.entity_type == "account":
                traits["contact"].setdefault(f"account.{column['name']}", []).append(
                    Trait(model, column["name"], kind, via_account=True))
    events = (project.get("vars") or {}).get("custom_segment_events") or []
    return Catalog(models, traits, tuple(str(event) for event in events))
