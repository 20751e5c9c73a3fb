"""`dbt docs generate` works, and nothing a consumer reads is undocumented."""

from __future__ import annotations

import json

from conftest import AS_OF, run_dbt

PUBLISHED_SCHEMAS = {"marts", "reverse_etl", "data_quality"}


def test_docs_generate_and_every_published_column_is_described(warehouse_copy, tmp_path):
    result = run_dbt(["docs", "generate", "--vars", json.dumps({"as_of_date": AS_OF.isoformat()})], warehouse_copy, tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    catalog = json.loads((tmp_path / "target" / "catalog.json").read_text())
    models = {key: node for key, node in manifest["nodes"].items() if node["resource_type"] == "model"}
    undescribed_models = sorted(node["name"] for node in models.values() if not node["description"].strip())
    assert undescribed_models == []
    missing = []
    for key, node in models.items():
        if node["schema"] not in PUBLISHED_SCHEMAS:
            continue
        described = {name.lower() for name, column in node["columns"].items() if column["description"].strip()}
        actual = catalog["nodes"][key]["columns"]  # the columns the relation really has
        missing += [f"{node['name']}.{column}" for column in actual if column.lower() not in described]
    assert missing == []
    assert (tmp_path / "target" / "index.html").exists()


def test_every_published_model_has_an_exposure_or_feeds_one(warehouse_copy, tmp_path):
    result = run_dbt(["parse"], warehouse_copy, tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    exposed = set()
    for exposure in manifest["exposures"].values():
        exposed |= set(exposure["depends_on"]["nodes"])
    published = {key for key, node in manifest["nodes"].items()
                 if node["resource_type"] == "model" and node["schema"] in {"marts", "reverse_etl"}}
    assert published - exposed == set()


# What each orchestrator job must contain (and must not), by model name.
SELECTOR_EXPECTATIONS = {
    "daily_full": ({"seg_behavioral", "fct_segment_transitions", "rev_etl__crm_contacts", "stg_crm__contacts"}, set()),
    "segments_only": ({"seg_behavioral", "seg_firmographic", "dim_contact_segments", "int_events__attributed"},
                      {"rev_etl__crm_contacts", "fct_data_quality__staging_rows"}),
    "staging_and_quality": ({"stg_crm__contacts", "fct_data_quality__staging_rows"}, {"seg_behavioral"}),
    "export": ({"rev_etl__crm_contacts", "rev_etl__crm_contacts_changes", "dim_contact_segments"},
               {"fct_data_quality__staging_rows"}),
    # new identifies re-attribute events and erasures reach the CRM staging: both are in; the account-only
    # CRM branch is not
    "hourly_incremental": ({"fct_segment_transitions", "agg_segment_size_daily", "int_events__attributed",
                            "stg_product__identifies", "int_product__users_to_contacts", "base_crm__contacts"},
                           {"stg_crm__accounts", "stg_crm__subscriptions"}),
}
# Production jobs leave the unit tests (fixed fixtures) to CI.
PRODUCTION_JOBS = ("daily_full", "hourly_incremental")


def test_every_selector_names_a_sensible_job(warehouse_copy, tmp_path):
    """selectors.yml: each job an orchestrator runs resolves, and holds what it is for."""
    import yaml
    from conftest import PROJECT_DIR

    declared = {s["name"] for s in yaml.safe_load((PROJECT_DIR / "selectors.yml").read_text())["selectors"]}
    assert declared == set(SELECTOR_EXPECTATIONS)
    for selector, (must, must_not) in SELECTOR_EXPECTATIONS.items():
        result = run_dbt(["ls", "--selector", selector, "--resource-type", "model", "--output", "name", "--quiet"],
                         warehouse_copy, tmp_path)
        assert result.returncode == 0, result.stdout[-2000:]
        names = set(result.stdout.split())
        assert must <= names, f"{selector} lacks {must - names}"
        assert not (must_not & names), f"{selector} should not build {must_not & names}"
        if selector in PRODUCTION_JOBS:
            unit = run_dbt(["ls", "--selector", selector, "--resource-type", "unit_test", "--quiet"], warehouse_copy, tmp_path)
            assert unit.returncode == 0 and unit.stdout.split() == [], f"{selector} runs unit tests: {unit.stdout[:500]}"
            data = run_dbt(["ls", "--selector", selector, "--resource-type", "test", "--quiet"], warehouse_copy, tmp_path)
            assert len(data.stdout.split()) > 100, f"{selector} lost its data tests"


# --- The Markdown docs: links, commands and the README's first screen ------------------------------------------

def _markdown_files():
    from conftest import PROJECT_DIR

    return [PROJECT_DIR / "README.md", PROJECT_DIR / "CONTRIBUTING.md", *sorted((PROJECT_DIR / "docs").glob("*.md"))]


def _anchor(heading: str) -> str:
    """GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces to hyphens."""
    import re

    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(text: str) -> set[str]:
    import re

    return {_anchor(match) for match in re.findall(r"^#{1,6} (.+)$", _outside_code_blocks(text), flags=re.M)}


def _outside_code_blocks(text: str) -> str:
    import re

    return re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)


def test_every_relative_link_in_the_docs_points_to_an_existing_file_and_heading():
    import re

    broken = []
    for path in _markdown_files():
        text = path.read_text()
        for target in re.findall(r"\]\(([^)\s]+)\)", _outside_code_blocks(text)):
            if re.match(r"[a-z]+:", target):  # http:, https:, mailto:
                continue
            file_part, _, anchor = target.partition("#")
            linked = (path.parent / file_part).resolve() if file_part else path
            if not linked.exists():
                broken.append(f"{path.name}: {target} (no file {file_part})")
            elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked.read_text()):
                broken.append(f"{path.name}: {target} (no heading #{anchor} in {linked.name})")
    assert broken == []


def test_the_make_targets_and_segments_commands_the_docs_name_exist():
    import re

    from conftest import PROJECT_DIR

    from segments_warehouse.cli import main

    targets = set(re.findall(r"^([a-z][a-z-]*):", (PROJECT_DIR / "Makefile").read_text(), flags=re.M))
    commands = set(main.commands)
    unknown = []
    for path in _markdown_files():
        text = path.read_text()
        # code: inline spans and fenced blocks, where a command is written to be run
        code = re.findall(r"`([^`\n]+)`", _outside_code_blocks(text)) + re.findall(r"^```.*?^```", text, flags=re.M | re.S)
        for snippet in code:
            snippet = re.sub(r"(^|\s)(#|--) .*$", "", snippet, flags=re.M)  # comments are prose
            unknown += [f"{path.name}: make {t}" for t in re.findall(r"(?:^|[\s;&|(])make ([a-z][a-z-]*)", snippet)
                        if t not in targets]
            unknown += [f"{path.name}: segments {c}" for c in re.findall(r"(?:^|[\s;&|(/])segments ([a-z][a-z-]*)", snippet)
                        if c not in commands]
    assert unknown == []


def test_the_readme_shows_quick_start_marts_and_layout_in_its_first_150_lines():
    from conftest import PROJECT_DIR

    lines = (PROJECT_DIR / "README.md").read_text().splitlines()
    headings = {line: number for number, line in enumerate(lines, start=1) if line.startswith("## ")}
    for section in ("## Quick start", "## The marts", "## Layout"):
        assert any(h.startswith(section) for h in headings), f"README lacks {section}"
    layout = next(number for line, number in headings.items() if line.startswith("## Layout"))
    layout_end = next(number for number, line in enumerate(lines, start=1) if number > layout + 1 and line == "```")
    assert layout_end <= 150, f"the layout ends on line {layout_end}"
