"""Great Expectations: the second, independent line of defence on the marts (dbt's tests are the first).

The suites are code, in this module: one suite per mart, plus suites over frames derived from several marts
(cross-mart consistency, shares per segmentation model, the raw-row balance). The segment models, their keys and
value sets come from the segment registry (segments_warehouse/registry.py), and only once it matches its reviewed
lock, segment_registry.lock.yml: a registry edit that widens what a segment may hold must not silently widen what
this check accepts, so validation refuses to run until the lock is rewritten (`segments registry lock`) and reviewed.

How GX reads the warehouse: every frame is read with DuckDB (`.df()`) and validated through GX's pandas datasource.
GX's SQLAlchemy path on DuckDB (duckdb_engine) returned empty metrics when tried here (see docs/operations.md, "Validation").

`validate()` runs every suite, builds GX Data Docs and returns one row per expectation; `segments validate`
prints them, writes a JSON record that `segments publish` requires, and exits 1 on any failed expectation.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .registry import RegistryError, SegmentModel, crm_properties, locked_registry
from .validate_checks import (
    agreement_sql,
    history_sql,
    raw_balance_sql,
    summary_totals_sql,
)

SHARE_TOLERANCE = 1e-9


class ValidationError(Exception):
    """Validation could not run (no warehouse, a mart missing); the message says what to do."""


@dataclass
class Outcome:
    suite: str
    expectation: str
    column: str
    success: bool
    observed: str


@dataclass
class ValidationReport:
    outcomes: list[Outcome]
    as_of_date: str
    docs_index: Path | None
    seconds: float

    @property
    def success(self) -> bool:
        return all(outcome.success for outcome in self.outcomes)

    @property
    def failures(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if not outcome.success]


@dataclass
class Suite:
    name: str
    frame_sql: str  # what GX validates, read with DuckDB
    expectations: Callable[[Facts], list]  # built when the facts (entity counts, as_of_date) are known
    description: str = ""


@dataclass
class Facts:
    """What the expectations are checked against, read from the warehouse before the suites run."""

    as_of_date: dt.date
    contacts: int  # contacts existing on as_of_date (int_contacts__as_of)
    accounts: int  # accounts existing on as_of_date (int_accounts__as_of)
    models: tuple[SegmentModel, ...]  # the segment registry, checked against its lock
    extra: dict = field(default_factory=dict)

    def entities(self, model: SegmentModel) -> int:
        return self.accounts if model.entity_type == "account" else self.contacts


def _gx():
    import great_expectations as gx

    return gx


def _in_set(column: str, values: list[str], nullable: bool = False) -> list:
    expectations = _gx().expectations
    checks = [expectations.ExpectColumnValuesToBeInSet(column=column, value_set=values)]
    if not nullable:
        checks.append(expectations.ExpectColumnValuesToNotBeNull(column=column))
    return checks


def _range(column: str, low=None, high=None) -> list:
    return [_gx().expectations.ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=high)]


def _key(*columns: str) -> list:
    expectations = _gx().expectations
    checks = [expectations.ExpectColumnValuesToNotBeNull(column=column) for column in columns]
    if len(columns) == 1:
        checks.append(expectations.ExpectColumnValuesToBeUnique(column=columns[0]))
    else:
        checks.append(expectations.ExpectCompoundColumnsToBeUnique(column_list=list(columns)))
    return checks


def _rows(count: int) -> list:
    return [_gx().expectations.ExpectTableRowCountToEqual(value=count)]


def _as_of(facts: Facts, column: str = "as_of_date") -> list:
    return _in_set(column, [facts.as_of_date.isoformat()])


def _when(expectation_class, condition: str, **kwargs):
    """An expectation on the rows where a pandas query condition holds."""
    return expectation_class(row_condition=condition, condition_parser="pandas", **kwargs)


def _value_checks(model: SegmentModel, names: list[str] | None = None) -> list:
    """In-set checks of a model's value sets (of the given columns only, if named); null only where the registry
    says the column is nullable."""
    return [check for column in model.columns if column.values is not None and (names is None or column.name in names)
            for check in _in_set(column.name, list(column.values), nullable=column.nullable)]


def _segment_mart(model: SegmentModel, more: Callable[[Facts], list] | None = None) -> Suite:
    def expectations(facts: Facts) -> list:
        checks = [*_rows(facts.entities(model)), *_key(model.key), *_as_of(facts), *_value_checks(model),
                  _gx().expectations.ExpectColumnValuesToNotBeNull(column=model.explanation_column)]
        return checks + (more(facts) if more else [])

    return Suite(model.mart, f"select * from marts.{model.mart}", expectations, f"one row per {model.entity_type} on as_of_date")


def _non_negative(*columns: str) -> list:
    return [check for column in columns for check in _range(column, 0)]


def _behavioral(facts: Facts) -> list:
    e = _gx().expectations
    return [
        *_non_negative("logins_7d", "logins_30d", "core_events_30d", "sessions_30d", "page_views_30d",
                       "distinct_features_30d", "support_tickets_90d", "days_since_first_seen", "days_since_last_login"),
        e.ExpectColumnPairValuesAToBeGreaterThanB(column_A="logins_30d", column_B="logins_7d", or_equal=True),
        e.ExpectColumnPairValuesAToBeGreaterThanB(column_A="last_seen_at", column_B="first_seen_at", or_equal=True,
                                                  ignore_row_if="either_value_is_missing"),
        _when(e.ExpectColumnValuesToBeNull, 'behavioral_segment == "never_active"', column="last_seen_at"),
        _when(e.ExpectColumnValuesToBeBetween, 'behavioral_segment == "power_user"', column="logins_30d", min_value=1),
        _when(e.ExpectColumnValuesToBeBetween, 'behavioral_segment == "active"', column="logins_7d", min_value=1),
    ]


def _value_based(facts: Facts) -> list:
    e = _gx().expectations
    return [
        *(check for column in ("r_score", "f_score", "m_score") for check in _range(column, 1, 5)),
        *_non_negative("paid_orders", "refunds", "days_since_last_order"),
        *_range("net_revenue_percent_rank", 0, 1),
        _when(e.ExpectColumnValuesToBeNull, 'rfm_segment == "prospect"', column="r_score"),
        _when(e.ExpectColumnValuesToNotBeNull, 'rfm_segment != "prospect"', column="r_score"),
        _when(e.ExpectColumnValuesToBeBetween, 'rfm_segment != "prospect"', column="paid_orders", min_value=1),
        _when(e.ExpectColumnValuesToBeInSet, 'net_revenue <= 0', column="value_tier", value_set=["none"]),
    ]


def _psychographic(facts: Facts) -> list:
    e = _gx().expectations
    return [
        *_range("nps_score", 0, 10),
        *_range("csat_score", 1, 5),
        _when(e.ExpectColumnValuesToBeBetween, 'nps_category == "promoter"', column="nps_score", min_value=9, max_value=10),
        _when(e.ExpectColumnValuesToBeBetween, 'nps_category == "passive"', column="nps_score", min_value=7, max_value=8),
        _when(e.ExpectColumnValuesToBeBetween, 'nps_category == "detractor"', column="nps_score", min_value=0, max_value=6),
        _when(e.ExpectColumnValuesToBeNull, 'nps_category == "no_response"', column="nps_score"),
    ]


def _demographic(facts: Facts) -> list:
    e = _gx().expectations
    return [*_range("age", 13, 120), _when(e.ExpectColumnValuesToBeNull, 'age_band == "unknown"', column="age")]


def _geographic(facts: Facts) -> list:
    e = _gx().expectations
    return [
        e.ExpectColumnValuesToMatchRegex(column="country_code", regex=r"^[A-Z]{2}$"),
        _when(e.ExpectColumnValuesToBeNull, 'country_source == "none"', column="country_code"),
    ]


def _technographic(facts: Facts) -> list:
    e = _gx().expectations
    return [
        *_non_negative("desktop_events_90d", "mobile_events_90d"),
        _when(e.ExpectColumnValuesToBeInSet, 'desktop_events_90d == 0 and mobile_events_90d == 0', column="device_mix",
              value_set=["no_activity"]),
    ]


def _firmographic(facts: Facts) -> list:
    e = _gx().expectations
    return [
        *_non_negative("employee_count", "contacts", "active_users_30d"),
        e.ExpectColumnPairValuesAToBeGreaterThanB(column_A="contacts", column_B="active_users_30d", or_equal=True),
        _when(e.ExpectColumnValuesToBeInSet, 'company_segment == "enterprise"', column="needs_dedicated_account_manager",
              value_set=[True]),
    ]


def _needs_based(facts: Facts) -> list:
    return [*_non_negative("support_tickets_30d", "days_since_first_seen", "core_events_total", "invoices_created_30d",
                           "invoices_sent_since_first_created", "reports_created_total"), *_range("csat_score", 1, 5)]


def _lifecycle(facts: Facts) -> list:
    e = _gx().expectations
    return [_when(e.ExpectColumnValuesToBeInSet, 'days_to_renewal < 0', column="renewal_window", value_set=["none"])]


def _dim(facts: Facts) -> list:
    e = _gx().expectations
    checks = [*_rows(facts.contacts), *_key("contact_id"), *_as_of(facts)]
    for model in facts.models:
        wide = [column.name for column in model.columns if column.wide]
        checks += _value_checks(model, wide)
        if model.entity_type == "account":  # a contact without an account has the missing value, never null
            checks += [e.ExpectColumnValuesToNotBeNull(column=name) for name in wide if model.column(name).values is None]
    return checks


def _model_names(facts: Facts) -> list[str]:
    return [model.name for model in facts.models]


def _membership(facts: Facts) -> list:
    e = _gx().expectations
    return [
        *_rows(sum(facts.entities(model) for model in facts.models)),
        *_key("entity_type", "entity_id", "segment_model"),
        *_in_set("entity_type", ["contact", "account"]),
        *_in_set("segment_model", _model_names(facts)),
        e.ExpectColumnValuesToNotBeNull(column="segment"),
        e.ExpectColumnValuesToNotBeNull(column="explanation"),
        *_as_of(facts),
    ]


def _summary(facts: Facts) -> list:
    return [
        *_key("segment_model", "segment"),
        *_range("entities", 1),
        *_range("share_of_total", 0, 1),
        *_range("avg_nps", 0, 10),
        *_range("share_active", 0, 1),
        *_in_set("segment_model", _model_names(facts)),
        *_as_of(facts),
    ]


def _summary_totals(facts: Facts) -> list:
    e = _gx().expectations
    return [
        *_rows(len(facts.models)),
        *_range("share_sum", 1 - SHARE_TOLERANCE, 1 + SHARE_TOLERANCE),
        e.ExpectColumnValuesToBeInSet(column="entities_match", value_set=[True]),
    ]


def _rev_etl(facts: Facts) -> list:
    e = _gx().expectations
    checks = [
        *_rows(facts.extra["contacts_with_email"]),
        *_key("email"),
        e.ExpectColumnValuesToMatchRegex(column="email", regex=r"^[^@\sA-Z]+@[^@\sA-Z]+\.[^@\sA-Z]+$"),
        e.ExpectColumnValuesToNotBeNull(column="properties_hash"),
        *_as_of(facts, "sw_segments_as_of"),
    ]
    # only the email may identify a person: every other column is a documented segment property
    allowed = ["email", *crm_properties(facts.models), "sw_segments_as_of", "properties_hash"]
    checks.append(e.ExpectTableColumnsToMatchSet(column_set=allowed, exact_match=True))
    return checks


def _transitions(facts: Facts) -> list:
    e = _gx().expectations
    return [
        *_key("entity_type", "entity_id", "segment_model", "transition_date"),
        *_in_set("transition_type", ["baseline", "entered", "moved", "exited"]),
        *_in_set("segment_model", _model_names(facts)),
        _when(e.ExpectColumnValuesToBeNull, 'transition_type in ["baseline", "entered"]', column="from_segment"),
        _when(e.ExpectColumnValuesToNotBeNull, 'transition_type in ["moved", "exited"]', column="from_segment"),
        _when(e.ExpectColumnValuesToBeNull, 'transition_type == "exited"', column="to_segment"),
        _when(e.ExpectColumnValuesToNotBeNull, 'transition_type != "exited"', column="to_segment"),
        _when(e.ExpectColumnValuesToBeNull, 'transition_type == "exited"', column="explanation"),
    ]


def _agreement(facts: Facts) -> list:
    return _in_set("in_dim", [True]) + _in_set("in_mart", [True]) + _in_set("agrees", [True])


def _staging_rows(facts: Facts) -> list:
    return [
        *_in_set("outcome", ["kept", "quarantined"]),
        *_range("row_count", 0),
        *_range("share_of_rows_in", 0, 1),
        _when(_gx().expectations.ExpectColumnValuesToNotBeNull, 'outcome == "quarantined"', column="reason"),
    ]


def _raw_balance(facts: Facts) -> list:
    return [
        *_rows(facts.extra["raw_tables"]),
        _gx().expectations.ExpectColumnValuesToBeInSet(column="balanced", value_set=[True]),
    ]


# The domain checks of each built-in model beyond its rows, key and value sets (docs/SEGMENTS.md); a model the
# registry gains gets those three alone until it has its own here.
MART_CHECKS: dict[str, Callable[[Facts], list]] = {
    "seg_behavioral": _behavioral, "seg_value_based": _value_based, "seg_psychographic": _psychographic,
    "seg_demographic": _demographic, "seg_geographic": _geographic, "seg_technographic": _technographic,
    "seg_firmographic": _firmographic, "seg_needs_based": _needs_based, "seg_lifecycle": _lifecycle,
}


def build_suites(facts: Facts, raw_tables: dict[tuple[str, str], str]) -> list[Suite]:
    suites = [_segment_mart(model, MART_CHECKS.get(model.mart)) for model in facts.models]
    suites += [
        Suite("dim_contact_segments", "select * from marts.dim_contact_segments", _dim),
        Suite("fct_segment_membership", "select * from marts.fct_segment_membership", _membership),
        Suite("agg_segment_summary", "select * from marts.agg_segment_summary", _summary),
        Suite("agg_segment_summary__totals", summary_totals_sql(facts), _summary_totals,
              "shares sum to 1 and entities to the entity count, per segmentation model"),
        Suite("rev_etl__crm_contacts", "select * from reverse_etl.rev_etl__crm_contacts", _rev_etl),
        Suite("cross_mart__agreement", agreement_sql(facts.models), _agreement,
              "every contact in every per-contact mart and the reverse-ETL feed, with the same values"),
        Suite("fct_segment_transitions", "select * from marts.fct_segment_transitions", _transitions),
        Suite("history__agreement", history_sql(facts), _agreement,
              "the history's current segment of every entity and the size series agree with today's marts"),
        Suite("fct_data_quality__staging_rows", "select * from data_quality.fct_data_quality__staging_rows", _staging_rows),
        Suite("raw__balance", raw_balance_sql(raw_tables), _raw_balance,
              "rows in = rows kept + rows quarantined, for every raw table"),
    ]
    return suites


def _facts(con: duckdb.DuckDBPyConnection, models: tuple[SegmentModel, ...]) -> Facts:
    as_of = con.execute("select max(as_of_date) from marts.dim_contact_segments").fetchone()[0]
    contacts = con.execute("select count(*) from intermediate.int_contacts__as_of").fetchone()[0]
    accounts = con.execute("select count(*) from intermediate.int_accounts__as_of").fetchone()[0]
    with_email = con.execute(
        "select count(distinct e.email) from intermediate.int_contacts__emails as e "
        "inner join intermediate.int_contacts__as_of as c on e.contact_id = c.contact_id"
    ).fetchone()[0]
    return Facts(as_of, contacts, accounts, models, {"contacts_with_email": with_email})


def _raw_tables(con: duckdb.DuckDBPyConnection, project_dir: Path) -> dict[tuple[str, str], str]:
    from .contract import load_contract

    staged = {tuple(row) for row in con.execute(
        "select distinct source_name, table_name from data_quality.fct_data_quality__staging_rows").fetchall()}
    return {(t.source, t.name): t.qualified for t in load_contract(project_dir) if (t.source, t.name) in staged}


def _dates_as_text(frame):
    """as_of columns as YYYY-MM-DD text: a value set of dates then compares the same in every pandas version."""
    for column in ("as_of_date", "sw_segments_as_of"):
        if column in frame.columns:
            frame[column] = frame[column].map(lambda value: None if value is None or value != value else str(value)[:10])
    return frame


def _quiet_gx() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    warnings.filterwarnings("ignore", module="great_expectations")
    # GX's Data Docs renderer logs a KeyError for some failed expectations (a failed row count): the failure is
    # reported by this module; the rendering glitch is GX's and is not worth a page of log
    logging.getLogger("great_expectations").setLevel(logging.CRITICAL)


def _observed(result) -> str:
    info = result.result or {}
    expected = result.expectation_config.kwargs.get("value")
    if "observed_value" in info and expected is not None:
        return f"{info['observed_value']} (expected {expected})"
    if "observed_value" in info:
        value = info["observed_value"]
        return str(value)[:80]
    if info.get("unexpected_count"):
        sample = ", ".join(str(v) for v in (info.get("partial_unexpected_list") or [])[:3])
        return f"{info['unexpected_count']:,} unexpected ({sample})"
    if result.exception_info and result.exception_info.get("raised_exception"):
        return "error: " + str(result.exception_info.get("exception_message"))[:120]
    return ""


def _suite_identifier(name: str):
    from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

    return ExpectationSuiteIdentifier(name=name)


def validate(duckdb_path: str | Path, docs_dir: str | Path, project_dir: str | Path = ".") -> ValidationReport:
    """Run every suite against the warehouse (opened read-only); build GX Data Docs under docs_dir."""
    started = dt.datetime.now()
    path = Path(duckdb_path)
    if not path.exists():
        raise ValidationError(f"no warehouse at {path}: run `make build` (dbt build) first")
    try:
        models, _ = locked_registry(project_dir)
    except RegistryError as error:
        raise ValidationError(str(error)) from None
    con = duckdb.connect(str(path), read_only=True)
    try:
        try:
            facts = _facts(con, models)
            raw_tables = _raw_tables(con, Path(project_dir))
        except duckdb.CatalogException as error:
            raise ValidationError(f"{path} has no built marts ({str(error).splitlines()[0]}): run dbt build first") from None
        facts.extra["raw_tables"] = len(raw_tables)
        suites = build_suites(facts, raw_tables)
        frames = {suite.name: _dates_as_text(con.execute(suite.frame_sql).df()) for suite in suites}
    finally:
        con.close()

    _quiet_gx()
    gx = _gx()
    docs_root = Path(docs_dir).resolve()
    docs_root.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=str(docs_root))
    context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    source = context.data_sources.add_or_update_pandas("segments_warehouse")
    outcomes: list[Outcome] = []
    rendered: list = []  # this run's results and suites: the pages Data Docs renders (not the folder's history)
    for suite in suites:
        frame = frames[suite.name]
        try:
            asset = source.get_asset(suite.name)
        except LookupError:
            asset = source.add_dataframe_asset(name=suite.name)
        batch = next(iter(asset.batch_definitions), None) or asset.add_batch_definition_whole_dataframe("whole")
        gx_suite = context.suites.add_or_update(
            gx.ExpectationSuite(name=suite.name, expectations=suite.expectations(facts), meta={"notes": suite.description}))
        definition = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=suite.name, data=batch, suite=gx_suite))
        checkpoint = context.checkpoints.add_or_update(gx.Checkpoint(
            name=suite.name, validation_definitions=[definition], result_format="SUMMARY"))
        result = checkpoint.run(batch_parameters={"dataframe": frame})
        rendered += [*result.run_results.keys(), _suite_identifier(suite.name)]
        for run in result.run_results.values():
            for item in run.results:
                config = item.expectation_config
                kwargs = config.kwargs
                column = kwargs.get("column") or ",".join(kwargs.get("column_list") or []) or (
                    f"{kwargs['column_A']}>={kwargs['column_B']}" if "column_A" in kwargs else "")
                condition = kwargs.get("row_condition")
                if isinstance(condition, dict):  # GX 1.x stores a pandas condition as a pass-through filter
                    condition = condition.get("pass_through_filter", condition)
                outcomes.append(Outcome(suite.name, config.type + (f" where {condition}" if condition else ""), column,
                                        bool(item.success), _observed(item)))
    # the Data Docs pages of this run's results and suites, rendered once with the index (an UpdateDataDocsAction
    # on each checkpoint rendered them suite by suite, rebuilding the index every time)
    context.build_data_docs(resource_identifiers=rendered)
    sites = context.get_docs_sites_urls()
    index = Path(sites[0]["site_url"].removeprefix("file://")) if sites and sites[0].get("site_url") else None
    seconds = round((dt.datetime.now() - started).total_seconds(), 1)
    return ValidationReport(outcomes, str(facts.as_of_date), index, seconds)


def write_record(report: ValidationReport, record_path: str | Path, duckdb_path: str | Path,
                 run_results: str | Path | None) -> None:
    """The record `segments publish` checks: which dbt invocation and warehouse were validated, and the result."""
    invocation = None
    if run_results and Path(run_results).exists():
        invocation = json.loads(Path(run_results).read_text(encoding="utf-8"))["metadata"].get("invocation_id")
    record = {
        "success": report.success,
        "warehouse": str(Path(duckdb_path).resolve()),
        "dbt_invocation_id": invocation,
        "as_of_date": report.as_of_date,
        "validated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "expectations": len(report.outcomes),
        "failed": [vars(outcome) for outcome in report.failures],
        "data_docs": str(report.docs_index) if report.docs_index else None,
    }
    Path(record_path).parent.mkdir(parents=True, exist_ok=True)
    Path(record_path).write_text(json.dumps(record, indent=2), encoding="utf-8")
